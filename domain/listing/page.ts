// The product page a customer sees, rendered from a listing. Every value is partner input, so each
// is escaped; the description (simple HTML) is sanitised again here so a listing stored by an older
// rule, or altered at rest, still cannot carry script. The page runs no script at all, and its
// Content-Security-Policy says so: the only inline code is the stylesheet, allowed by its hash.
import { createHash } from 'node:crypto';
import { Listing, ListingPlan } from './listing';
import { escapeHtml as esc, sanitizeDescription } from './sanitize';

const CSS = [
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}',
  'header{display:flex;gap:1rem;align-items:center}header img{width:115px;height:115px}',
  '.preview{background:#fff4ce;padding:.5rem;border-radius:4px}',
  '.plan{border:1px solid #ddd;border-radius:4px;padding:0 1rem;margin:1rem 0}',
  '.shots img{max-width:100%;margin:.5rem 0}dt{font-weight:600}footer{margin-top:2rem;font-size:.9rem}',
].join('');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  'img-src https:',
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

/** The URL if it parses and uses one of `schemes` (never javascript:, data:, …), else undefined. */
export function safeUrl(raw: string | undefined, schemes: readonly string[] = ['https:']): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim());
    return schemes.includes(url.protocol) && !url.username && !url.password ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const LICENSES: Record<string, string> = { BYOL: 'Bring your own license', PAYG: 'Pay as you go', FREE: 'Free' };

const link = (href: string, text: string) => `<a href="${esc(href)}" rel="noopener noreferrer nofollow">${esc(text)}</a>`;
const img = (src: string | undefined, alt: string) => (src ? `<img src="${esc(src)}" alt="${esc(alt)}">` : '');
const list = (items: string[]) => (items.length ? esc(items.join(', ')) : '—');

function plan(p: ListingPlan): string {
  return [
    `<article class="plan"><h3>${esc(p.title || p.planId)}</h3>`,
    p.summary ? `<p>${esc(p.summary)}</p>` : '',
    p.description ? `<div>${sanitizeDescription(p.description)}</div>` : '',
    '<dl>',
    `<dt>Operating system</dt><dd>${esc([p.operatingSystemFamily, p.operatingSystem].filter(Boolean).join(' — ') || '—')}</dd>`,
    `<dt>Recommended sizes</dt><dd>${list(p.recommendedVMSizes)}</dd>`,
    `<dt>Regions</dt><dd>${list(p.regions)}</dd>`,
    `<dt>License</dt><dd>${esc(LICENSES[p.licenseModel.toUpperCase()] ?? p.licenseModel)}</dd>`,
    '</dl></article>',
  ].join('');
}

function support(l: Listing): string {
  const { name, email, phone } = l.support;
  const mail = email && /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) ? link(`mailto:${email}`, email) : email ? esc(email) : '';
  const parts = [name && esc(name), mail, phone && esc(phone)].filter(Boolean);
  return parts.length ? `<section><h2>Support</h2><p>${parts.join('<br>')}</p></section>` : '';
}

function footer(l: Listing): string {
  const privacy = safeUrl(l.privacyUrl, ['https:', 'http:']);
  const termsUrl = safeUrl(l.termsOfUse, ['https:', 'http:']);
  const terms = termsUrl ? link(termsUrl, 'Terms of use') : l.termsOfUse ? `Terms of use: ${esc(l.termsOfUse)}` : '';
  return `<footer>${[privacy ? link(privacy, 'Privacy policy') : '', terms].filter(Boolean).join(' · ')}</footer>`;
}

export function renderProductPage(l: Listing, opts: { preview?: boolean } = {}): string {
  const logo = safeUrl(l.logos.large) ?? safeUrl(l.logos.medium);
  const shots = l.screenshots.map((s) => safeUrl(s)).filter((s): s is string => !!s);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    opts.preview ? '<meta name="robots" content="noindex">' : '',
    `<title>${esc(l.title)}</title><style>${CSS}</style></head><body>`,
    `<header>${img(logo, `${l.title} logo`)}<div><h1>${esc(l.title)}</h1><p>${esc(l.summary)}</p></div></header>`,
    opts.preview ? '<p class="preview">Preview: visible only to this offer\'s preview audience.</p>' : '',
    '<main><section><h2>Overview</h2>',
    l.longSummary ? `<p>${esc(l.longSummary)}</p>` : '',
    `<div class="description">${sanitizeDescription(l.descriptionHtml)}</div>`,
    l.categories.length ? `<p>Categories: ${list(l.categories)}</p>` : '',
    '</section>',
    shots.length ? `<section class="shots"><h2>Screenshots</h2>${shots.map((s, i) => img(s, `Screenshot ${i + 1}`)).join('')}</section>` : '',
    `<section><h2>Plans</h2>${l.plans.map(plan).join('')}</section>`,
    support(l),
    '</main>',
    footer(l),
    '</body></html>',
  ].join('');
}
