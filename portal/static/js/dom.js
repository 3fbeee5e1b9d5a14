// @ts-check
// Small DOM helpers. Everything is built with createElement/textContent: no HTML strings, so text
// from the API (offer titles, step messages, e-mails) can never become markup.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attrs
 */

/**
 * Creates an element. Attributes starting with "on" are listeners; `true` sets a boolean
 * attribute, `false`/null/undefined leaves it out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {(Child | Child[])[]} children
 */
export function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
}

/**
 * Replaces an element's content.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A document-unique id for label/aria wiring. @param {string} prefix */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * Text with http(s) URLs turned into links (built as elements, so nothing else is interpreted).
 * @param {string} text
 * @returns {Child[]}
 */
export function linkify(text) {
  /** @type {Child[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    out.push(text.slice(last, m.index));
    out.push(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
    last = (m.index ?? 0) + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** Step messages are "simple HTML" in the API; the portal shows their text. @param {string} html */
export function textOf(html) {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** @param {string | null | undefined} iso */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** @param {number} ms */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Says something to screen-reader users through the page's polite live region.
 * @param {string} message
 */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A separate task, so the same message twice is still read out.
  setTimeout(() => (region.textContent = message), 50);
}

/**
 * Moves focus to a heading or region after a view change, so keyboard and screen-reader users
 * start at the new content.
 * @param {HTMLElement | null} el
 */
export function focusView(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
}

/**
 * A status badge: the state in words (never colour alone).
 * @param {string} status
 * @param {Record<string, string>} [labels]
 */
export function badge(status, labels = STATUS_LABELS) {
  return h('span', { class: `badge badge-${toneOf(status)}`, 'data-status': status }, labels[status] ?? status);
}

/** @type {Record<string, string>} */
export const STATUS_LABELS = {
  neverPublished: 'Never published',
  notStarted: 'Not started',
  running: 'Publishing',
  waitingForPublisherReview: 'Waiting for your sign-off',
  succeeded: 'Live',
  canceled: 'Cancelled',
  failed: 'Failed',
  inProgress: 'In progress',
  waitingForApproval: 'Waiting for approval',
  blocked: 'Blocked',
  rejected: 'Rejected',
  complete: 'Complete',
  // Durable runtime statuses (ops console)
  Pending: 'Pending',
  Running: 'Running',
  Completed: 'Completed',
  ContinuedAsNew: 'Continued as new',
  Failed: 'Failed',
  Canceled: 'Canceled',
  Terminated: 'Terminated',
  Suspended: 'Suspended',
};

/** @param {string} status */
function toneOf(status) {
  switch (status) {
    case 'succeeded':
    case 'complete':
    case 'Completed':
      return 'ok';
    case 'failed':
    case 'rejected':
    case 'Failed':
    case 'Terminated':
      return 'error';
    case 'waitingForPublisherReview':
    case 'waitingForApproval':
    case 'blocked':
    case 'Suspended':
      return 'attention';
    case 'running':
    case 'inProgress':
    case 'Running':
    case 'Pending':
      return 'active';
    default:
      return 'neutral';
  }
}

/**
 * A view's reload loop: `run()` loads now (dropping a reload already scheduled), `again(ms)`
 * schedules the next one, `stop()` cancels it, and after `dispose()` (the view was left) nothing
 * runs again and `live` is false, so an answer arriving late is dropped.
 * @param {() => Promise<unknown>} load
 */
export function poller(load) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let live = true;
  const p = {
    get live() {
      return live;
    },
    run() {
      clearTimeout(timer);
      if (live) void load();
    },
    /** @param {number} ms */
    again(ms) {
      clearTimeout(timer);
      if (live) timer = setTimeout(() => p.run(), ms);
    },
    stop() {
      clearTimeout(timer);
    },
    dispose() {
      live = false;
      clearTimeout(timer);
    },
  };
  return p;
}
