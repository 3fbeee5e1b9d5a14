// The product page a customer sees, rendered from a listing. Every value is partner input, so each
// is escaped; the description (simple HTML) is sanitised again here so a listing stored by an older
// rule, or altered at rest, still cannot carry script. The page runs no script at all, and its
// Content-Security-Policy says so: the only inline code is the stylesheet, allowed by its hash.
import { createHash } from 'node:crypto';
import type { PricingSummary } from '../offer/pricing';
import { visiblePlans } from './catalog';
import { Listing, ListingPlan } from './listing';
import { escapeHtml as esc, safeUrl, sanitizeDescription } from './sanitize';

const CSS = [
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}',
  'header{display:flex;gap:1rem;align-items:center}header img{width:115px;height:115px}',
  '.preview{background:#fff4ce;padding:.5rem;border-radius:4px}',
  '.plan{border:1px solid #ddd;border-radius:4px;padding:0 1rem;margin:1rem 0}',
  '.shots img{max-width:100%;margin:.5rem 0}dt{font-weight:600}footer{margin-top:2rem;font-size:.9rem}',
  '.hero{width:100%;max-width:815px}.videos img{width:320px;height:180px}.price{font-weight:600}.trial{color:#0b6a0b}',
  'table.prices{border-collapse:collapse}table.prices td,table.prices th{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}',
].join('');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  // Images come from the service's own artifact store (same origin) or, for older listings, https.
  "img-src 'self' https:",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers to send with the page: the policy, and no MIME sniffing or referrer leaks. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export { safeUrl };

const LICENSES: Record<string, string> = { BYOL: 'Bring your own license', PAYG: 'Pay as you go', FREE: 'Free' };

const link = (href: string, text: string) =>
  `<a href="${esc(href)}" rel="noopener noreferrer nofollow">${esc(text)}</a>`;
const img = (src: string | undefined, alt: string) => (src ? `<img src="${esc(src)}" alt="${esc(alt)}">` : '');
const list = (items: string[]) => (items.length ? esc(items.join(', ')) : '—');

const money = (n: number, currency = 'USD') => `${esc(currency)} ${n.toFixed(n < 1 ? 4 : 2).replace(/0{1,2}$/, '')}`;
const coreLabel = (size: string) =>
  size === 'sharedcore' ? 'Shared core' : `${size.replace('core', '')} cores`.replace(/^1 cores$/, '1 core');

/** The plan's price as a customer reads it: license model, price per core or per size, free trial. */
function price(p: ListingPlan): string {
  const s: PricingSummary = p.pricing ?? { model: 'none', freeTrialMonths: 0 };
  const trial =
    s.freeTrialMonths > 0
      ? `<p class="trial">Free trial: ${s.freeTrialMonths} month${s.freeTrialMonths === 1 ? '' : 's'}, then the prices below.</p>`
      : '';
  switch (s.model) {
    case 'perCore':
      return `${trial}<p class="price">${money(s.pricePerCore ?? 0, s.currency)} per core per hour, plus Azure infrastructure costs.</p>`;
    case 'perCoreSize':
      return `${trial}<table class="prices"><caption>Software price per hour, plus Azure infrastructure costs</caption><tr><th>VM size</th><th>Price</th></tr>${(
        s.coreSizePrices ?? []
      )
        .map((c) => `<tr><td>${esc(coreLabel(c.coreSize))}</td><td>${money(c.price, s.currency)}</td></tr>`)
        .join('')}</table>`;
    case 'perRegion':
      return `${trial}<p class="price">Priced per region: ${(s.regionPrices ?? []).map((r) => esc(`${r.region}${r.pricePerCore !== undefined ? ` ${r.currency ?? ''} ${r.pricePerCore}/core/hour` : ''}`)).join(', ')}.</p>`;
    default:
      return `<p class="price">${esc(LICENSES[p.licenseModel.toUpperCase()] ?? p.licenseModel)}</p>`;
  }
}

function plan(p: ListingPlan): string {
  return [
    `<article class="plan"><h3>${esc(p.title || p.planId)}</h3>`,
    p.summary ? `<p>${esc(p.summary)}</p>` : '',
    p.description ? `<div>${sanitizeDescription(p.description)}</div>` : '',
    '<dl>',
    `<dt>Operating system</dt><dd>${esc([p.operatingSystemFamily, p.operatingSystem, p.windowsOSType].filter(Boolean).join(' — ') || '—')}</dd>`,
    `<dt>Recommended sizes</dt><dd>${list(p.recommendedVMSizes)}</dd>`,
    `<dt>Regions</dt><dd>${list(p.regions)}</dd>`,
    `<dt>Pricing</dt><dd>${price(p)}</dd>`,
    '</dl></article>',
  ].join('');
}

function media(l: Listing, image: (raw: string | undefined) => string | undefined): string {
  const videos = (l.videos ?? []).map((v) => ({ ...v, url: safeUrl(v.url) })).filter((v) => v.url);
  const links = (l.usefulLinks ?? [])
    .map((u) => ({ ...u, url: safeUrl(u.url, ['https:', 'http:']) }))
    .filter((u) => u.url);
  return [
    videos.length
      ? `<section class="videos"><h2>Videos</h2>${videos.map((v) => link(v.url!, v.name || 'Video') + (image(v.thumbnail) ? `<br>${img(image(v.thumbnail), v.name || 'Video')}` : '')).join('<br>')}</section>`
      : '',
    links.length
      ? `<section><h2>Useful links</h2><ul>${links.map((u) => `<li>${link(u.url!, u.title)}</li>`).join('')}</ul></section>`
      : '',
  ].join('');
}

function support(l: Listing): string {
  const { name, email, phone } = l.support;
  const mail =
    email && /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) ? link(`mailto:${email}`, email) : email ? esc(email) : '';
  const publicSupport = safeUrl(l.supportUrls?.publicAzure, ['https:', 'http:']);
  const govSupport = safeUrl(l.supportUrls?.azureGovernment, ['https:', 'http:']);
  const parts = [
    name && esc(name),
    mail,
    phone && esc(phone),
    publicSupport && link(publicSupport, 'Support site'),
    govSupport && link(govSupport, 'Support for Azure Government'),
  ].filter(Boolean);
  return parts.length ? `<section><h2>Support</h2><p>${parts.join('<br>')}</p></section>` : '';
}

function footer(l: Listing): string {
  const privacy = safeUrl(l.privacyUrl, ['https:', 'http:']);
  const termsUrl = safeUrl(l.termsOfUse, ['https:', 'http:']);
  const terms = termsUrl ? link(termsUrl, 'Terms of use') : l.termsOfUse ? `Terms of use: ${esc(l.termsOfUse)}` : '';
  return `<footer>${[privacy ? link(privacy, 'Privacy policy') : '', terms].filter(Boolean).join(' · ')}</footer>`;
}

export interface PageOptions {
  preview?: boolean;
  /**
   * The service's own origin: images it stores (ingested artifacts) are served from there, which
   * is plain http on a developer's machine. Any other image must be https.
   */
  ownOrigin?: string;
}

export function renderProductPage(l: Listing, opts: PageOptions = {}): string {
  const image = (raw: string | undefined) =>
    safeUrl(raw) ?? (opts.ownOrigin && raw?.startsWith(`${opts.ownOrigin}/`) ? safeUrl(raw, ['http:']) : undefined);
  const logo = image(l.logos.large) ?? image(l.logos.medium);
  const hero = image(l.heroLogo);
  const shots = l.screenshots.map(image).filter((s): s is string => !!s);
  const plans = visiblePlans(l);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    opts.preview ? '<meta name="robots" content="noindex">' : '',
    `<title>${esc(l.title)}</title><style>${CSS}</style></head><body>`,
    `<header>${img(logo, `${l.title} logo`)}<div><h1>${esc(l.title)}</h1><p>${esc(l.summary)}</p></div></header>`,
    opts.preview ? '<p class="preview">Preview: visible only to this offer\'s preview audience.</p>' : '',
    hero ? img(hero, `${l.title}`).replace('<img ', '<img class="hero" ') : '',
    '<main><section><h2>Overview</h2>',
    l.longSummary ? `<p>${esc(l.longSummary)}</p>` : '',
    `<div class="description">${sanitizeDescription(l.descriptionHtml)}</div>`,
    l.categories.length ? `<p>Categories: ${list(l.categories)}</p>` : '',
    '</section>',
    shots.length
      ? `<section class="shots"><h2>Screenshots</h2>${shots.map((s, i) => img(s, `Screenshot ${i + 1}`)).join('')}</section>`
      : '',
    media(l, image),
    `<section><h2>Plans</h2>${plans.map(plan).join('')}</section>`,
    support(l),
    '</main>',
    footer(l),
    '</body></html>',
  ].join('');
}
