// @ts-check
import { api, enc, errorMessage } from '../api.js';
import { OPS_REFRESH_MS } from '../config.js';
import { announce, badge, focusView, formatDuration, formatTime, h, poller, replace } from '../dom.js';
import { confirmDialog } from '../views/publish-dialog.js';
import { ganttEl, timelineOf } from './gantt.js';
import { autoRefresh } from './session.js';

/**
 * @typedef {import('./session.js').OpsSession} OpsSession
 * @typedef {import('./gantt.js').HistoryEvent} HistoryEvent
 * @typedef {{ instanceId: string, name: string, runtimeStatus: string, createdTime: string, lastUpdatedTime: string, customStatus: unknown, input: unknown, output: unknown, history: (HistoryEvent & Record<string, unknown>)[] }} Instance
 */

const ACTIVE = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);
const EVENTS = ['GoLive', 'Cancel'];

/**
 * One orchestration instance: summary, history as a timeline of activities with durations and as
 * the full event list, input/output/custom status; raise event, terminate, purge.
 * @param {{ session: OpsSession, instanceId: string }} ctx
 */
export function instanceView({ session, instanceId }) {
  const path = `/ops/instances/${enc(instanceId)}`;
  const heading = h('h1', { class: 'mono' }, instanceId);
  const summary = h('div', { id: 'instance-summary' });
  const actions = h('section', { 'aria-labelledby': 'actions-title' });
  const timeline = h('section', { 'aria-labelledby': 'timeline-title' });
  const data = h('section', { 'aria-labelledby': 'data-title' });
  const events = h('section', { 'aria-labelledby': 'events-title' });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'instance-error' });
  const notice = h('p', { role: 'status', id: 'instance-notice' });
  const auto = h('input', { type: 'checkbox', id: 'auto-refresh' });
  auto.checked = autoRefresh.get();
  const el = h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/instances' }, '← All orchestrations')),
    h(
      'div',
      { class: 'title-row' },
      heading,
      h(
        'label',
        { class: 'inline-check', for: 'auto-refresh' },
        auto,
        `Refresh every ${OPS_REFRESH_MS / 1000} s while it runs`,
      ),
    ),
    error,
    notice,
    summary,
    timeline,
    actions,
    data,
    events,
  );

  /** @type {Instance | null} */
  let current = null;
  let lastJson = '';
  const poll = poller(load);

  async function load() {
    poll.stop();
    const r = await api(path, { key: session.key });
    if (!poll.live) return;
    if (r.status === 404) {
      replace(summary, h('p', {}, 'This instance does not exist (it may have been purged).'));
      replace(timeline);
      replace(actions);
      replace(data);
      replace(events);
      return;
    }
    if (!r.ok) {
      error.textContent = errorMessage(r);
      error.hidden = false;
    } else {
      error.hidden = true;
      const json = JSON.stringify(r.data);
      if (json !== lastJson) {
        lastJson = json;
        const first = current === null;
        current = /** @type {Instance} */ (r.data);
        render(current, first);
      }
    }
    if (auto.checked && (!current || ACTIVE.has(current.runtimeStatus))) poll.again(OPS_REFRESH_MS);
  }

  /** @param {Instance} i @param {boolean} first */
  function render(i, first) {
    replace(
      summary,
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, 'Orchestrator'), h('dd', {}, i.name)),
        h('div', {}, h('dt', {}, 'Runtime status'), h('dd', { id: 'runtime-status' }, badge(i.runtimeStatus))),
        h('div', {}, h('dt', {}, 'Created'), h('dd', {}, formatTime(i.createdTime))),
        h('div', {}, h('dt', {}, 'Last updated'), h('dd', {}, formatTime(i.lastUpdatedTime))),
        h(
          'div',
          {},
          h('dt', {}, 'Duration'),
          h('dd', {}, formatDuration(Date.parse(i.lastUpdatedTime) - Date.parse(i.createdTime))),
        ),
      ),
    );
    const tl = timelineOf(i.history, ACTIVE.has(i.runtimeStatus) ? Date.now() : Date.parse(i.lastUpdatedTime));
    replace(
      timeline,
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      tl.rows.length
        ? ganttEl(tl, (id) => `#/instances/${enc(id)}`)
        : h('p', { class: 'muted' }, 'No activity has finished yet.'),
    );
    renderActions(i);
    replace(
      data,
      h('h2', { id: 'data-title' }, 'Input, output and custom status'),
      h('h3', {}, 'Input'),
      h('pre', { id: 'instance-input', tabindex: 0 }, pretty(i.input)),
      h('h3', {}, 'Output'),
      h('pre', { id: 'instance-output', tabindex: 0 }, pretty(i.output)),
      h('h3', {}, 'Custom status'),
      h('pre', { id: 'instance-custom-status', tabindex: 0 }, pretty(i.customStatus)),
    );
    replace(events, h('h2', { id: 'events-title' }, `History (${i.history.length} events)`), historyTable(i.history));
    if (first) focusView(heading);
  }

  /** @param {Instance} i */
  function renderActions(i) {
    const active = ACTIVE.has(i.runtimeStatus);
    const disabled = session.readOnly;
    const eventName = h('input', {
      id: 'event-name',
      required: true,
      list: 'event-names',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const eventData = h('textarea', {
      id: 'event-data',
      rows: 3,
      class: 'mono',
      'aria-describedby': 'event-data-hint',
    });
    const reason = h('input', { id: 'terminate-reason', autocomplete: 'off' });
    replace(
      actions,
      h('h2', { id: 'actions-title' }, 'Actions'),
      session.readOnly
        ? h(
            'p',
            { class: 'readonly-note', id: 'readonly-note' },
            'Read-only console (OPS_READ_ONLY): events, terminate and purge are switched off.',
          )
        : null,
      h(
        'div',
        { class: 'ops-actions' },
        h(
          'form',
          {
            id: 'raise-event-form',
            onsubmit: (/** @type {Event} */ e) => {
              e.preventDefault();
              void raise(eventName.value.trim(), eventData.value.trim());
            },
          },
          h(
            'fieldset',
            { disabled: disabled || !active, class: 'plain' },
            h('h3', {}, 'Raise an event'),
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'event-name' }, 'Event name'),
              eventName,
              h('datalist', { id: 'event-names' }, ...EVENTS.map((n) => h('option', { value: n }))),
            ),
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'event-data' }, 'Event data (JSON, optional)'),
              h('p', { class: 'hint', id: 'event-data-hint' }, 'E.g. {"operationId": "…"}.'),
              eventData,
            ),
            h('button', { type: 'submit' }, 'Raise event'),
          ),
        ),
        h(
          'form',
          {
            id: 'terminate-form',
            onsubmit: (/** @type {Event} */ e) => {
              e.preventDefault();
              void terminate(reason.value.trim());
            },
          },
          h(
            'fieldset',
            { disabled: disabled || !active, class: 'plain' },
            h('h3', {}, 'Terminate'),
            h(
              'p',
              { class: 'hint' },
              'Stops the instance at once. A publish orchestration is marked failed at its current step so the partner can publish again.',
            ),
            h('div', { class: 'field' }, h('label', { for: 'terminate-reason' }, 'Reason'), reason),
            h('button', { type: 'submit', class: 'danger' }, 'Terminate'),
          ),
        ),
        i.name === 'publishOffer'
          ? h(
              'form',
              {
                id: 'release-form',
                onsubmit: (/** @type {Event} */ e) => {
                  e.preventDefault();
                  void release(reason.value.trim());
                },
              },
              h(
                'fieldset',
                { disabled, class: 'plain' },
                h('h3', {}, 'Release the offer'),
                h(
                  'p',
                  { class: 'hint' },
                  'For an offer stuck "running" or waiting for sign-off whatever this instance\'s state: terminates it if it is still active, and marks its publishing version failed so the partner can publish again.',
                ),
                h('button', { type: 'submit', class: 'danger' }, 'Release offer'),
              ),
            )
          : null,
        h(
          'form',
          {
            id: 'purge-form',
            onsubmit: (/** @type {Event} */ e) => {
              e.preventDefault();
              void purge();
            },
          },
          h(
            'fieldset',
            { disabled: disabled || active, class: 'plain' },
            h('h3', {}, 'Purge history'),
            h(
              'p',
              { class: 'hint' },
              active ? 'Only a finished instance can be purged.' : 'Deletes the instance and its history for good.',
            ),
            h('button', { type: 'submit', class: 'danger' }, 'Purge'),
          ),
        ),
      ),
    );
  }

  /** @param {string} name @param {string} text */
  async function raise(name, text) {
    if (!name) return showError('Give the event name, e.g. GoLive.');
    let body;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch (e) {
        return showError(`The event data is not valid JSON: ${/** @type {Error} */ (e).message}`);
      }
    }
    const r = await api(`${path}/events/${enc(name)}`, { method: 'POST', key: session.key, body });
    done(r, `Event ${name} raised.`);
  }

  /** @param {string} reason */
  async function terminate(reason) {
    if (
      !(await confirmDialog({
        title: 'Terminate this instance?',
        body: `${instanceId} stops at once and cannot be resumed.`,
        confirm: 'Terminate',
        cancel: 'Keep it running',
        danger: true,
      }))
    )
      return;
    const r = await api(`${path}/terminate`, {
      method: 'POST',
      key: session.key,
      body: reason ? { reason } : undefined,
    });
    done(r, 'Instance terminated.');
  }

  /** @param {string} reasonText the Terminate form's reason, if any */
  async function release(reasonText) {
    if (
      !(await confirmDialog({
        title: 'Release this offer?',
        body: `The publishing version run by ${instanceId} is marked failed${ACTIVE.has(current?.runtimeStatus ?? '') ? ', and the instance is terminated' : ''}.`,
        confirm: 'Release',
        cancel: 'Keep it',
        danger: true,
      }))
    )
      return;
    const r = await api(`${path}/release`, {
      method: 'POST',
      key: session.key,
      body: reasonText ? { reason: reasonText } : undefined,
    });
    done(
      r,
      r.ok && /** @type {{ released: boolean }} */ (r.data).released
        ? 'Offer released: the partner can publish again.'
        : 'Nothing to release: the offer is not held by this instance.',
    );
  }

  async function purge() {
    if (
      !(await confirmDialog({
        title: 'Purge this instance?',
        body: `The history of ${instanceId} is deleted for good.`,
        confirm: 'Purge',
        cancel: 'Keep it',
        danger: true,
      }))
    )
      return;
    const r = await api(path, { method: 'DELETE', key: session.key });
    if (r.ok) {
      announce('Instance purged.');
      location.hash = '#/instances';
      return;
    }
    showError(errorMessage(r));
  }

  /** @param {import('../api.js').ApiResponse} r @param {string} message */
  function done(r, message) {
    if (!r.ok) return showError(errorMessage(r));
    error.hidden = true;
    notice.textContent = message;
    announce(message);
    setTimeout(() => void load(), 400);
  }

  /** @param {string} message */
  function showError(message) {
    error.textContent = message;
    error.hidden = false;
    error.focus?.();
  }

  auto.addEventListener('change', () => {
    autoRefresh.set(auto.checked);
    if (auto.checked) poll.run();
    else poll.stop();
  });

  void load();
  return {
    el,
    dispose: () => poll.dispose(),
  };
}

/** @param {unknown} v */
function pretty(v) {
  if (v === null || v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** @param {(HistoryEvent & Record<string, unknown>)[]} history */
function historyTable(history) {
  const start = history.length ? Date.parse(history[0].Timestamp) : 0;
  const detail = (/** @type {Record<string, unknown>} */ e) => {
    const { EventType, Timestamp, FunctionName, ScheduledTime, ...rest } = e;
    const keys = Object.keys(rest);
    return keys.length
      ? h('details', {}, h('summary', {}, keys.join(', ')), h('pre', {}, JSON.stringify(rest, null, 2)))
      : '';
  };
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': 'History events', tabindex: 0 },
    h(
      'table',
      { class: 'data', id: 'history-table' },
      h('caption', { class: 'sr-only' }, 'History events in order'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Event'),
          h('th', { scope: 'col' }, 'At'),
          h('th', { scope: 'col' }, 'Function'),
          h('th', { scope: 'col' }, 'Duration'),
          h('th', { scope: 'col' }, 'Details'),
        ),
      ),
      h(
        'tbody',
        {},
        ...history.map((e) => {
          const at = Date.parse(e.Timestamp);
          const scheduled = e.ScheduledTime ? Date.parse(e.ScheduledTime) : NaN;
          return h(
            'tr',
            { 'data-event': e.EventType },
            h('td', {}, e.EventType),
            h('td', {}, h('span', { title: e.Timestamp }, `+${formatDuration(at - start)}`)),
            h('td', {}, e.FunctionName ?? e.Name ?? ''),
            h('td', {}, Number.isNaN(scheduled) ? '' : formatDuration(at - scheduled)),
            h('td', {}, detail(e)),
          );
        }),
      ),
    ),
  );
}
