// The filters of a history read (`?event=`, `?actor=`, `?from=`, `?to=`), checked here so that a bad
// value is a 400 naming its parameter rather than whatever the table service makes of it.
import { ActorFilter, parseActorFilter, ACTOR_KINDS } from './actor';
import { HISTORY_EVENT_TYPES, HistoryEventType, isHistoryEvent } from './history-events';

export interface HistoryQuery {
  events?: HistoryEventType[];
  actor?: ActorFilter;
  /** Inclusive bounds, epoch milliseconds. */
  fromMs?: number;
  toMs?: number;
}

export type Parsed = { ok: true; query: HistoryQuery } | { ok: false; parameter: string; message: string };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A date alone is the whole day (UTC): `from` its first millisecond, `to` its last. */
function instant(value: string, end: boolean): number | undefined {
  if (DATE_ONLY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? undefined : end ? start + DAY_MS - 1 : start;
  }
  if (!DATE_TIME.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

export function parseHistoryQuery(get: (name: string) => string | null): Parsed {
  const q: HistoryQuery = {};
  const event = get('event')?.trim();
  if (event) {
    const names = event
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = names.find((n) => !isHistoryEvent(n));
    if (bad !== undefined)
      return {
        ok: false,
        parameter: 'event',
        message: `event: '${bad.slice(0, 40)}' is not a history event; use one or more (comma-separated) of ${HISTORY_EVENT_TYPES.join(', ')}.`,
      };
    q.events = names as HistoryEventType[];
  }
  const actor = get('actor')?.trim();
  if (actor) {
    const f = parseActorFilter(actor);
    if (!f)
      return {
        ok: false,
        parameter: 'actor',
        message: `actor: '${actor.slice(0, 40)}' is not an actor; give a kind (${ACTOR_KINDS.join(', ')}) or kind:id, e.g. apiKey:contoso.`,
      };
    q.actor = f;
  }
  for (const name of ['from', 'to'] as const) {
    const v = get(name)?.trim();
    if (!v) continue;
    const t = instant(v, name === 'to');
    if (t === undefined)
      return {
        ok: false,
        parameter: name,
        message: `${name}: '${v.slice(0, 40)}' is not a date (2026-01-31) or a date and time with its zone (2026-01-31T09:00:00Z).`,
      };
    if (name === 'from') q.fromMs = t;
    else q.toMs = t;
  }
  if (q.fromMs !== undefined && q.toMs !== undefined && q.fromMs > q.toMs)
    return { ok: false, parameter: 'from', message: 'from: is after to; nothing could match.' };
  return { ok: true, query: q };
}
