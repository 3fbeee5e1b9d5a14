// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { OPS_REFRESH_MS } from '../config.js';
import { badge, focusView, formatTime, h, poller, replace } from '../dom.js';
import { autoRefresh } from './session.js';

/**
 * @typedef {import('./session.js').OpsSession} OpsSession
 * @typedef {{ instanceId: string, name: string, runtimeStatus: string, createdTime: string, lastUpdatedTime: string, customStatus: unknown }} InstanceSummary
 * @typedef {{ items: InstanceSummary[], total: number, page: number, pageSize: number, pageCount: number }} InstancePage
 */

const STATUSES = ['Running', 'Pending', 'Completed', 'Failed', 'Terminated', 'Canceled', 'Suspended', 'ContinuedAsNew'];
const SORTS = [
  ['createdTime', 'Created'],
  ['lastUpdatedTime', 'Last updated'],
  ['name', 'Orchestrator name'],
  ['runtimeStatus', 'Runtime status'],
  ['instanceId', 'Instance id'],
];
const NAMES = ['publishOffer', 'provisionImage', 'provisionRegion'];

/** The query the filters stand for, kept in the page address so a view can be bookmarked. */
function readQuery() {
  const q = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(q);
}

/** @param {string} local a datetime-local value @returns {string} */
function toIso(local) {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** @param {string} iso @returns {string} the datetime-local form of an ISO time */
function toLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

/**
 * Orchestration instances with filters (runtime status, created time range, orchestrator
 * name, offer), sorting and paging; refreshes itself while auto-refresh is on.
 * @param {{ session: OpsSession }} ctx
 */
export function instancesView({ session }) {
  const q = readQuery();
  const heading = h('h1', {}, 'Orchestrations');
  const checks = STATUSES.map((s) => {
    const box = h('input', { type: 'checkbox', name: 'runtimeStatus', value: s, id: `rs-${s}` });
    box.checked = (q.get('runtimeStatus') ?? '').split(',').includes(s);
    return { s, box, el: h('label', { for: `rs-${s}` }, box, s) };
  });
  const from = h('input', { type: 'datetime-local', id: 'f-from', step: 1 });
  from.value = toLocal(q.get('createdTimeFrom') ?? '');
  const to = h('input', { type: 'datetime-local', id: 'f-to', step: 1 });
  to.value = toLocal(q.get('createdTimeTo') ?? '');
  const name = h('input', {
    type: 'text',
    id: 'f-name',
    list: 'orchestrator-names',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  name.value = q.get('name') ?? '';
  const offer = h('input', {
    type: 'search',
    id: 'f-offer',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'f-offer-hint',
  });
  offer.value = q.get('offer') ?? '';
  const sort = h('select', { id: 'f-sort' }, ...SORTS.map(([v, l]) => h('option', { value: v }, l)));
  sort.value = q.get('sort') ?? 'createdTime';
  const order = h(
    'select',
    { id: 'f-order' },
    h('option', { value: 'desc' }, 'Newest / highest first'),
    h('option', { value: 'asc' }, 'Oldest / lowest first'),
  );
  order.value = q.get('order') ?? 'desc';
  const pageSize = h('select', { id: 'f-size' }, ...['10', '25', '50', '100'].map((n) => h('option', { value: n }, n)));
  pageSize.value = q.get('pageSize') ?? '25';
  let page = Number(q.get('page') ?? 1) || 1;

  const auto = h('input', { type: 'checkbox', id: 'auto-refresh' });
  auto.checked = autoRefresh.get();
  const summary = h('p', { role: 'status', id: 'instances-summary' }, 'Loading…');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data', id: 'instances-table' },
    h('caption', { class: 'sr-only' }, 'Orchestration instances'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Instance id'),
        h('th', { scope: 'col' }, 'Orchestrator'),
        h('th', { scope: 'col' }, 'Runtime status'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Last updated'),
      ),
    ),
    body,
  );
  const prev = h('button', { type: 'button', onclick: () => go(page - 1) }, 'Previous page');
  const next = h('button', { type: 'button', onclick: () => go(page + 1) }, 'Next page');
  const pageInfo = h('span', { id: 'page-info' });
  const refreshed = h('p', { class: 'muted' });

  function params() {
    const p = new URLSearchParams();
    const statuses = checks.filter((c) => c.box.checked).map((c) => c.s);
    if (statuses.length) p.set('runtimeStatus', statuses.join(','));
    if (toIso(from.value)) p.set('createdTimeFrom', toIso(from.value));
    if (toIso(to.value)) p.set('createdTimeTo', toIso(to.value));
    if (name.value.trim()) p.set('name', name.value.trim());
    if (offer.value.trim()) p.set('offer', offer.value.trim());
    p.set('sort', sort.value);
    p.set('order', order.value);
    p.set('pageSize', pageSize.value);
    p.set('page', String(page));
    return p;
  }

  const poll = poller(load);

  async function load() {
    poll.stop();
    const p = params();
    // Busy from the moment the filters are in the URL until the rows for them are shown.
    table.setAttribute('aria-busy', 'true');
    history.replaceState(null, '', `#/instances?${p}`);
    const r = await api(`/ops/instances?${p}`, { key: session.key });
    if (!poll.live) return;
    table.setAttribute('aria-busy', 'false');
    if (!r.ok) {
      error.textContent = errorMessage(r);
      error.hidden = false;
    } else {
      error.hidden = true;
      /** @type {InstancePage} */
      const data = r.data;
      if (data.page > data.pageCount && data.total > 0) return go(data.pageCount);
      replace(body, ...data.items.map(row));
      table.hidden = data.items.length === 0;
      summary.textContent =
        data.total === 0
          ? 'No orchestration instances match these filters.'
          : `${data.total} instance${data.total === 1 ? ' matches' : 's match'}; showing ${(data.page - 1) * data.pageSize + 1}–${(data.page - 1) * data.pageSize + data.items.length}.`;
      pageInfo.textContent = `Page ${data.page} of ${data.pageCount}`;
      prev.disabled = data.page <= 1;
      next.disabled = data.page >= data.pageCount;
      refreshed.textContent = `Refreshed ${formatTime(new Date().toISOString())}.`;
    }
    if (auto.checked) poll.again(OPS_REFRESH_MS);
  }

  /** @param {number} n */
  function go(n) {
    page = Math.max(1, n);
    void load();
  }

  /** @param {InstanceSummary} i */
  function row(i) {
    return h(
      'tr',
      { 'data-instance': i.instanceId },
      h('th', { scope: 'row' }, h('a', { href: `#/instances/${enc(i.instanceId)}`, class: 'mono' }, i.instanceId)),
      h('td', {}, i.name),
      h('td', {}, badge(i.runtimeStatus)),
      h('td', {}, formatTime(i.createdTime)),
      h('td', {}, formatTime(i.lastUpdatedTime)),
    );
  }

  auto.addEventListener('change', () => {
    autoRefresh.set(auto.checked);
    if (auto.checked) poll.run();
    else poll.stop();
  });

  const form = h(
    'form',
    {
      class: 'filters',
      id: 'instance-filters',
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        go(1);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Runtime status (none checked: all)'),
      h('div', { class: 'checks' }, ...checks.map((c) => c.el)),
    ),
    h('div', { class: 'field' }, h('label', { for: 'f-from' }, 'Created from'), from),
    h('div', { class: 'field' }, h('label', { for: 'f-to' }, 'Created until'), to),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-name' }, 'Orchestrator name'),
      name,
      h('datalist', { id: 'orchestrator-names' }, ...NAMES.map((n) => h('option', { value: n }))),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-offer' }, 'Offer or instance id contains'),
      h('p', { class: 'hint', id: 'f-offer-hint' }, 'E.g. an offer id or "contoso".'),
      offer,
    ),
    h('div', { class: 'field' }, h('label', { for: 'f-sort' }, 'Sort by'), sort),
    h('div', { class: 'field' }, h('label', { for: 'f-order' }, 'Order'), order),
    h('div', { class: 'field' }, h('label', { for: 'f-size' }, 'Per page'), pageSize),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            form.reset();
            sort.value = 'createdTime';
            order.value = 'desc';
            pageSize.value = '25';
            go(1);
          },
        },
        'Clear',
      ),
    ),
  );

  const el = h(
    'section',
    {},
    h(
      'div',
      { class: 'title-row' },
      heading,
      h('label', { class: 'inline-check', for: 'auto-refresh' }, auto, `Refresh every ${OPS_REFRESH_MS / 1000} s`),
    ),
    form,
    summary,
    error,
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Orchestration instances', tabindex: 0 }, table),
    h('div', { class: 'pager' }, prev, pageInfo, next),
    refreshed,
  );
  queueMicrotask(() => focusView(heading));
  void load();
  return {
    el,
    dispose: () => poll.dispose(),
  };
}
