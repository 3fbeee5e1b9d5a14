// @ts-check
// An orchestration's history as a timeline: one bar per activity, sub-orchestration and timer
// (from when it was scheduled to when it ended), a mark per external event.
import { formatDuration, h } from '../dom.js';

/**
 * @typedef {{ EventType: string, Timestamp: string, FunctionName?: string, ScheduledTime?: string, EventId?: number, TimerId?: number, FireAt?: string, Name?: string, InstanceId?: string, Reason?: string, OrchestrationStatus?: string }} HistoryEvent
 * @typedef {{ label: string, kind: 'activity' | 'sub' | 'timer' | 'event', start: number, end: number, failed: boolean, open: boolean, instanceId?: string }} Row
 * @typedef {{ start: number, end: number, rows: Row[] }} Timeline
 */

const t = (/** @type {string | undefined} */ iso) => (iso ? Date.parse(iso) : NaN);

/**
 * @param {HistoryEvent[]} history
 * @param {number} now  the end of a timeline still running
 * @returns {Timeline}
 */
export function timelineOf(history, now) {
  /** @type {Row[]} */
  const rows = [];
  /** @type {Map<number, Row>} */
  const timers = new Map();
  let start = NaN;
  let end = NaN;
  for (const e of history) {
    const at = t(e.Timestamp);
    switch (e.EventType) {
      case 'ExecutionStarted':
        start = at;
        break;
      case 'ExecutionCompleted':
      case 'ExecutionTerminated':
      case 'ExecutionFailed':
        end = at;
        break;
      case 'TaskCompleted':
      case 'TaskFailed':
      case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed': {
        const sub = e.EventType.startsWith('Sub');
        const scheduled = t(e.ScheduledTime);
        rows.push({
          label: e.FunctionName ?? '(unknown)',
          kind: sub ? 'sub' : 'activity',
          start: Number.isNaN(scheduled) ? at : scheduled,
          end: at,
          failed: e.EventType.endsWith('Failed'),
          open: false,
          instanceId: e.InstanceId,
        });
        break;
      }
      case 'TimerCreated': {
        const row = /** @type {Row} */ ({
          label: 'Timer',
          kind: 'timer',
          start: at,
          end: t(e.FireAt),
          failed: false,
          open: true,
        });
        rows.push(row);
        if (e.EventId !== undefined) timers.set(e.EventId, row);
        break;
      }
      case 'TimerFired': {
        const row = e.TimerId !== undefined ? timers.get(e.TimerId) : undefined;
        if (row) {
          row.end = at;
          row.open = false;
        }
        break;
      }
      case 'EventRaised':
        rows.push({ label: `Event: ${e.Name ?? ''}`, kind: 'event', start: at, end: at, failed: false, open: false });
        break;
      default:
        break;
    }
  }
  const times = rows.flatMap((r) => [r.start, r.end]).filter((x) => Number.isFinite(x));
  if (Number.isNaN(start)) start = times.length ? Math.min(...times) : now;
  if (Number.isNaN(end)) end = Math.max(now, ...times);
  return { start, end: Math.max(end, start + 1), rows };
}

const KIND = { activity: 'Activity', sub: 'Sub-orchestration', timer: 'Timer', event: 'External event' };

/**
 * @param {Timeline} tl
 * @param {(instanceId: string) => string} [hrefOf]  link for a sub-orchestration row
 */
export function ganttEl(tl, hrefOf) {
  const span = tl.end - tl.start;
  const pct = (/** @type {number} */ x) => `${Math.max(0, Math.min(100, ((x - tl.start) / span) * 100)).toFixed(3)}%`;
  return h(
    'div',
    { class: 'gantt-wrap', id: 'gantt' },
    h(
      'div',
      { class: 'gantt-axis', 'aria-hidden': 'true' },
      h('span', {}, '0'),
      h('span', {}, formatDuration(span / 2)),
      h('span', {}, formatDuration(span)),
    ),
    h(
      'ol',
      { class: 'gantt', 'aria-label': `Activities over ${formatDuration(span)}` },
      ...tl.rows.map((r) => {
        const bar = h('span', { class: `bar ${r.kind}${r.failed ? ' failed' : ''}`, 'aria-hidden': 'true' });
        // Positions through the CSSOM: allowed by the page's style-src 'self' (no inline style attributes).
        bar.style.left = pct(r.start);
        if (r.kind !== 'event')
          bar.style.width = `${Math.max(0, Math.min(100, ((r.end - r.start) / span) * 100)).toFixed(3)}%`;
        const duration =
          r.kind === 'event'
            ? 'received'
            : `${formatDuration(Math.max(0, r.end - r.start))}${r.open ? ' (pending)' : ''}`;
        const name =
          r.kind === 'sub' && r.instanceId && hrefOf ? h('a', { href: hrefOf(r.instanceId) }, r.label) : r.label;
        return h(
          'li',
          { 'data-kind': r.kind, 'data-name': r.label, 'data-duration-ms': Math.max(0, r.end - r.start) },
          h(
            'span',
            { class: 'name' },
            name,
            h(
              'span',
              { class: 'sr-only' },
              ` (${KIND[r.kind]}${r.failed ? ', failed' : ''}), started after ${formatDuration(r.start - tl.start)}, took `,
            ),
          ),
          h('span', { class: 'lane' }, bar),
          h('span', { class: 'dur' }, duration, r.failed ? h('span', { class: 'badge badge-error' }, 'failed') : null),
        );
      }),
    ),
  );
}
