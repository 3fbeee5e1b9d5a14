import { createHash } from 'node:crypto';
import { buildListing, Listing } from '../../../../domain/listing/listing';
import { CONTENT_SECURITY_POLICY, PAGE_HEADERS, renderProductPage, safeUrl } from '../../../../domain/listing/page';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const M = 'microsoft-azure-marketplace.';
// Listings are built after step 1 has ingested the images, so their logos are stored URLs.
const INGESTED_LOGOS = Object.fromEntries(
  ['small-40x40', 'medium-90x90', 'large-115x115', 'wide-255x115'].map((n) => [
    `${M}${n.split('-')[0]}Logo`,
    `https://contoso.example.com/marketplace/${n}.png`,
  ]),
);

function listing(offer: Record<string, unknown> = {}, change: (l: Listing) => void = () => undefined): Listing {
  const doc = sampleOffer();
  Object.assign(doc.definition.offer, INGESTED_LOGOS);
  Object.assign(doc.definition.offer, offer);
  const l = buildListing('contoso', 'contoso-vm', 1, doc);
  change(l);
  return l;
}

describe('renderProductPage', () => {
  it('shows the listing: title, summaries, description, logo, plans with OS, sizes, regions, license, support, privacy and terms', () => {
    const html = renderProductPage(listing({ [M + 'screenshots']: ['https://contoso.example.com/shot1.png'] }));
    for (const part of [
      '<title>Contoso VM</title>',
      '<h1>Contoso VM</h1>',
      'A hardened Linux VM with Contoso App preinstalled.',
      'ready to deploy in minutes.',
      '<li>Preinstalled</li>',
      'src="https://contoso.example.com/marketplace/large-115x115.png"',
      'src="https://contoso.example.com/shot1.png"',
      '<h3>Contoso VM Standard</h3>',
      'Linux — Ubuntu 22.04',
      'standard_d2s_v5, standard_d4s_v5',
      'US, DE',
      'Bring your own license',
      'Contoso Support',
      'href="mailto:support@contoso.example.com"',
      '555-555-0100',
      'href="https://contoso.example.com/privacy"',
      'Terms of use: Use of Contoso VM is subject to the Contoso license terms.',
    ]) {
      expect(html).toContain(part);
    }
    expect(html).not.toContain('Preview:');
  });

  it('escapes every plain value, in text and in attributes', () => {
    const html = renderProductPage(
      listing(
        {
          [M + 'title']: '<b>Bold</b> & "quoted"',
          [M + 'summary']: "<img src=x onerror=alert('s')>",
          [M + 'supportContactName']: '<script>alert(1)</script>',
        },
        (l) => {
          l.plans[0].regions = ['US"><script>alert(2)</script>'];
          l.categories = ['<i>cat</i>'];
        },
      ),
    );
    expect(html).toContain('<h1>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;</h1>');
    expect(html).toContain('alt="&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot; logo"');
    expect(html).toContain('&lt;img src=x onerror=alert(&#39;s&#39;)&gt;');
    expect(html).toContain('US&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&lt;i&gt;cat&lt;/i&gt;');
    expect(html).not.toMatch(/<script|<img src=x|<b>Bold|<i>cat/);
  });

  it('sanitises the description again, even if the stored listing was not', () => {
    const html = renderProductPage(
      listing({}, (l) => {
        l.descriptionHtml =
          '<p>Keep me</p><script>alert(1)</script><a href="javascript:alert(2)">x</a><p onclick="alert(3)">y</p><iframe src="https://evil.example"></iframe><a href="https://docs.example.com">docs</a>';
        l.plans[0].description = '<b>plan</b><img src=x onerror="alert(4)">';
      }),
    );
    expect(html).toContain('<p>Keep me</p>');
    expect(html).toContain('<p>y</p>');
    expect(html).toContain('<b>plan</b>');
    expect(html).toMatch(
      /<a href="https:\/\/docs\.example\.com"[^>]*rel="noopener noreferrer nofollow"[^>]*>docs<\/a>/,
    );
    for (const bad of ['<script', 'alert(', 'javascript:', 'onclick', 'onerror', '<iframe'])
      expect(html).not.toContain(bad);
  });

  it('drops URLs that are not http(s): javascript: privacy links, data: logos, plain-http images', () => {
    const html = renderProductPage(
      listing({
        [M + 'privacyURL']: 'javascript:alert(1)',
        [M + 'termsOfUse']: 'https://contoso.example.com/terms',
        [M + 'largeLogo']: 'data:image/png;base64,AAAA',
        [M + 'mediumLogo']: 'http://contoso.example.com/m.png',
        [M + 'screenshots']: ['javascript:alert(2)', 'https://contoso.example.com/ok.png'],
        [M + 'supportContactEmail']: '"><script>x</script>@x',
      }),
    );
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:image');
    expect(html).not.toContain('http://contoso.example.com/m.png');
    expect(html).not.toContain('Privacy policy');
    expect(html).toContain(
      '<a href="https://contoso.example.com/terms" rel="noopener noreferrer nofollow">Terms of use</a>',
    );
    expect(html).toContain('alt="Screenshot 1"');
    expect(html).not.toContain('mailto:');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;@x');
  });

  it('marks a preview and keeps it out of search engines', () => {
    const html = renderProductPage(listing(), { preview: true });
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('Preview: visible only to');
  });

  it("allows no script and only the page's own stylesheet, by hash", () => {
    const html = renderProductPage(listing());
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    expect(CONTENT_SECURITY_POLICY).toContain(
      `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    );
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    expect(PAGE_HEADERS).toMatchObject({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    });
    expect(html).not.toMatch(/<script|\son\w+=/i);
  });
});

describe('safeUrl', () => {
  it('accepts only the given schemes and no credentials', () => {
    expect(safeUrl('https://a.example/x.png')).toBe('https://a.example/x.png');
    expect(safeUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeUrl('http://a.example/')).toBeUndefined();
    expect(safeUrl('http://a.example/', ['https:', 'http:'])).toBe('http://a.example/');
    expect(safeUrl('https://user:pw@a.example/')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    expect(safeUrl(undefined)).toBeUndefined();
  });
});
