import sanitizeHtml from 'sanitize-html';

// The marketplace allows "simple HTML" in descriptions. Everything else — scripts, styles, event
// handlers, javascript:/data: links, iframes — is removed before a page is built from it.
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'b',
    'strong',
    'i',
    'em',
    'u',
    'ul',
    'ol',
    'li',
    'a',
    'h2',
    'h3',
    'h4',
    'code',
    'pre',
    'blockquote',
  ],
  allowedAttributes: { a: ['href', 'title'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html, { ...OPTIONS, allowedAttributes: { a: ['href', 'title', 'rel', 'target'] } });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

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
