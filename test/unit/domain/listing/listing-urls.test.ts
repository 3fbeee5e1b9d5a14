// The public listing JSON never hands a browser a javascript:, data: or other non-http(s) URL,
// whatever the snapshot holds (older rules, or a value altered at rest).
import { buildListing } from '../../../../domain/listing/listing';
import { publicListing } from '../../../../domain/listing/catalog';
import { sampleOffer } from '../../../../domain/offer/sample-offer';

const M = 'microsoft-azure-marketplace.';

test('hostile URLs are left out of every URL field of the listing', () => {
  const doc = sampleOffer();
  Object.assign(doc.definition.offer, {
    [`${M}screenshots`]: [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'https://ok.example.com/s.png',
      '//evil.example.com/x.png',
      'https://u:p@x.example.com/s.png',
    ],
    [`${M}smallLogo`]: 'javascript:alert(2)',
    [`${M}heroLogo`]: 'data:text/html,<script>alert(3)</script>',
    [`${M}privacyURL`]: 'javascript:alert(4)',
    [`${M}usefulLinks`]: [
      { linkTitle: 'x', linkUrl: 'javascript:alert(5)' },
      { linkTitle: 'ok', linkUrl: 'https://ok.example.com/' },
    ],
    [`${M}videos`]: [
      { videoName: 'v', videoLink: 'vbscript:x', thumbnailLink: 'https://ok.example.com/t.png' },
      { videoName: 'w', videoLink: 'https://youtu.be/w', thumbnailLink: 'data:,x' },
    ],
    [`${M}publicAzureSupportUrl`]: 'file:///etc/passwd',
  });
  const json = JSON.stringify(publicListing(buildListing('contoso', 'contoso-vm', 1, doc)));
  for (const bad of ['javascript:', 'data:', 'vbscript:', 'file:', 'evil.example.com', 'u:p@'])
    expect({ bad, found: json.includes(bad) }).toEqual({ bad, found: false });
  const l = buildListing('contoso', 'contoso-vm', 1, doc);
  expect(l.screenshots).toEqual(['https://ok.example.com/s.png']);
  expect(l.usefulLinks).toEqual([{ title: 'ok', url: 'https://ok.example.com/' }]);
  expect(l.videos).toEqual([{ name: 'w', url: 'https://youtu.be/w' }]);
});
