/**
 * Azure Functions timer schedules: NCRONTAB expressions
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`, or the five-field form without seconds)
 * and TimeSpan intervals. All evaluation is in UTC.
 */

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

export interface CronSchedule {
  expression: string;
  /** The first occurrence strictly after `after` (UTC), or null if there is none within 5 years. */
  next(after: Date): Date | null;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Upper bound for `*` and `a/n`, when it differs from the largest accepted value. */
  starMax?: number;
  /** Names for min, min+1, ... */
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is accepted as a second spelling of Sunday (so `5-7` means Fri–Sun), but `*` must not count Sunday twice.
  { name: 'day-of-week', min: 0, max: 7, starMax: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Returns `allowed[v]` flags indexed by the field's own values (so `day` uses indexes 1..31). */
function parseField(text: string, spec: FieldSpec): boolean[] {
  const fail = (reason: string): never => {
    throw new CronError(`Invalid ${spec.name} field "${text}": ${reason}`);
  };
  const value = (s: string): number => {
    let v: number;
    if (/^\d+$/.test(s)) v = Number(s);
    else {
      const i = spec.names?.indexOf(s.toUpperCase()) ?? -1;
      if (i < 0) return fail(`"${s}" is not a number${spec.names ? ' or name' : ''}`);
      v = spec.min + i;
    }
    if (v < spec.min || v > spec.max) fail(`${v} is outside ${spec.min}-${spec.max}`);
    return v;
  };

  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    if (pieces.length > 2) fail(`"${part}" has more than one step`);
    const [range, stepText] = pieces;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) fail(`step "${stepText}" is not a number`);
      step = Number(stepText);
      if (step === 0) fail('step must be positive');
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = spec.min;
      hi = spec.starMax ?? spec.max;
    } else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) fail(`"${range}" is not a range`);
      lo = value(ends[0]);
      hi = value(ends[1]);
      if (lo > hi) fail(`range ${range} is reversed`);
    } else {
      lo = value(range);
      // `a/n` means "from a to the end of the field, every n" (as in NCrontab and Vixie cron).
      hi = stepText === undefined ? lo : (spec.starMax ?? spec.max);
    }
    for (let v = lo; v <= hi; v += step) allowed[v] = true;
  }
  return allowed;
}

/** Smallest allowed value >= from, or -1. */
function nextIn(allowed: readonly boolean[], from: number): number {
  for (let v = from; v < allowed.length; v++) if (allowed[v]) return v;
  return -1;
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  // NCrontab's five-field form has no seconds field; it fires at second 0.
  if (parts.length === 5) parts.unshift('0');
  if (parts.length !== 6) {
    throw new CronError(
      `Invalid schedule "${expression}": expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}) or 5, got ${parts.length}`,
    );
  }
  const [seconds, minutes, hours, days, months, weekdays8] = parts.map((p, i) => parseField(p, FIELDS[i]));
  const weekdays = weekdays8.slice(0, 7);
  if (weekdays8[7]) weekdays[0] = true;

  // NCrontab (what the Functions host runs) requires day-of-month AND day-of-week to match, unlike
  // classic cron's OR: "0 0 0 13 * FRI" fires only on a Friday the 13th. The devhost follows the host.
  const dayMatches = (day: number, weekday: number): boolean => days[day] && weekdays[weekday];
  const firstMonth = nextIn(months, 1);

  return {
    expression,
    next(after: Date): Date | null {
      if (Number.isNaN(after.getTime())) throw new RangeError('next() needs a valid Date');
      const limit = new Date(after);
      limit.setUTCFullYear(limit.getUTCFullYear() + 5);
      // Each failed check jumps to the start of the next candidate month/day/hour/minute/second, so an
      // impossible schedule costs at most ~31 day steps per allowed month before the limit ends the loop.
      let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
      while (t <= limit.getTime()) {
        const d = new Date(t);
        const y = d.getUTCFullYear();
        const mo = d.getUTCMonth(); // 0-based, as Date.UTC wants
        const day = d.getUTCDate();
        const h = d.getUTCHours();
        const mi = d.getUTCMinutes();
        const s = d.getUTCSeconds();
        if (!months[mo + 1]) {
          const m = nextIn(months, mo + 1);
          t = m < 0 ? Date.UTC(y + 1, firstMonth - 1, 1) : Date.UTC(y, m - 1, 1);
        } else if (!dayMatches(day, d.getUTCDay())) {
          t = Date.UTC(y, mo, day + 1);
        } else if (!hours[h]) {
          const nh = nextIn(hours, h);
          t = nh < 0 ? Date.UTC(y, mo, day + 1) : Date.UTC(y, mo, day, nh);
        } else if (!minutes[mi]) {
          const nm = nextIn(minutes, mi);
          t = nm < 0 ? Date.UTC(y, mo, day, h + 1) : Date.UTC(y, mo, day, h, nm);
        } else if (!seconds[s]) {
          const ns = nextIn(seconds, s);
          t = ns < 0 ? Date.UTC(y, mo, day, h, mi + 1) : Date.UTC(y, mo, day, h, mi, ns);
        } else {
          return d;
        }
      }
      return null;
    },
  };
}

/**
 * Azure Functions also accepts a TimeSpan "hh:mm:ss" (or "d.hh:mm:ss") schedule meaning "every interval";
 * returns ms or null if not a TimeSpan. Like .NET's TimeSpan.Parse, seconds may be omitted ("hh:mm").
 * Throws CronError for something shaped like a TimeSpan that is out of range or zero, because an
 * interval of 0 would fire continuously and "25:00:00" is rejected by .NET rather than read as a day.
 */
export function parseTimeSpanSchedule(expression: string): number | null {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(expression.trim());
  if (!m) return null;
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0));
  if (hours > 23 || minutes > 59 || seconds > 59) {
    throw new CronError(`Invalid TimeSpan schedule "${expression}": hours must be 0-23, minutes and seconds 0-59`);
  }
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  if (ms === 0) throw new CronError(`Invalid TimeSpan schedule "${expression}": interval must be positive`);
  return ms;
}
