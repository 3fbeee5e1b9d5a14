import { CronError, parseCron, parseTimeSpanSchedule } from '../../src/triggers/ncrontab';

const at = (iso: string): Date => new Date(iso);
const next = (expr: string, after: string): string | null => parseCron(expr).next(at(after))?.toISOString() ?? null;

/** The first `count` occurrences after `after`, as ISO strings. */
function series(expr: string, after: string, count: number): string[] {
  const schedule = parseCron(expr);
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < count; i++) {
    const n = schedule.next(t);
    if (!n) break;
    out.push(n.toISOString());
    t = n;
  }
  return out;
}

describe('parseCron().next', () => {
  it('keeps the expression', () => {
    expect(parseCron('0 */5 * * * *').expression).toBe('0 */5 * * * *');
  });

  it('runs every 5 minutes', () => {
    expect(series('0 */5 * * * *', '2024-01-01T00:00:00Z', 3)).toEqual([
      '2024-01-01T00:05:00.000Z',
      '2024-01-01T00:10:00.000Z',
      '2024-01-01T00:15:00.000Z',
    ]);
    expect(next('0 */5 * * * *', '2024-01-01T00:07:30Z')).toBe('2024-01-01T00:10:00.000Z');
    expect(next('0 */5 * * * *', '2024-01-01T23:57:00Z')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('runs at 09:30 on weekdays only', () => {
    // 2024-01-05 is a Friday.
    expect(next('0 30 9 * * 1-5', '2024-01-05T09:00:00Z')).toBe('2024-01-05T09:30:00.000Z');
    expect(next('0 30 9 * * 1-5', '2024-01-05T10:00:00Z')).toBe('2024-01-08T09:30:00.000Z');
    expect(series('0 30 9 * * 1-5', '2024-01-01T00:00:00Z', 6).map((s) => s.slice(0, 10))).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-08',
    ]);
  });

  it('runs every 10 seconds, strictly after the given time', () => {
    expect(next('*/10 * * * * *', '2024-01-01T12:00:05.500Z')).toBe('2024-01-01T12:00:10.000Z');
    expect(next('*/10 * * * * *', '2024-01-01T12:00:10.000Z')).toBe('2024-01-01T12:00:20.000Z');
    expect(next('*/10 * * * * *', '2024-01-01T12:00:10.001Z')).toBe('2024-01-01T12:00:20.000Z');
    expect(next('*/10 * * * * *', '2024-01-01T12:00:55Z')).toBe('2024-01-01T12:01:00.000Z');
  });

  it('supports a/n, lists and ranges with steps', () => {
    expect(series('5/20 * * * * *', '2024-01-01T00:00:00Z', 4)).toEqual([
      '2024-01-01T00:00:05.000Z',
      '2024-01-01T00:00:25.000Z',
      '2024-01-01T00:00:45.000Z',
      '2024-01-01T00:01:05.000Z',
    ]);
    expect(series('0 0 1-9/4,23 * * *', '2024-01-01T00:00:00Z', 5)).toEqual([
      '2024-01-01T01:00:00.000Z',
      '2024-01-01T05:00:00.000Z',
      '2024-01-01T09:00:00.000Z',
      '2024-01-01T23:00:00.000Z',
      '2024-01-02T01:00:00.000Z',
    ]);
  });

  it('accepts month and day names in any case', () => {
    // 2024-07-01 is a Monday.
    expect(next('0 0 12 * JAN,jul Mon', '2024-02-01T00:00:00Z')).toBe('2024-07-01T12:00:00.000Z');
    expect(next('0 0 0 1 mar-MAY *', '2024-05-15T00:00:00Z')).toBe('2025-03-01T00:00:00.000Z');
    expect(next('0 0 0 * * sat,SUN', '2024-01-01T00:00:00Z')).toBe('2024-01-06T00:00:00.000Z');
  });

  it('treats day-of-week 7 as Sunday', () => {
    expect(next('0 0 0 * * 7', '2024-01-01T00:00:00Z')).toBe('2024-01-07T00:00:00.000Z');
    expect(series('0 0 0 * * 5-7', '2024-01-01T00:00:00Z', 4).map((s) => s.slice(0, 10))).toEqual([
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
      '2024-01-12',
    ]);
    // `*` must not count Sunday twice, so */3 is Sun, Wed, Sat.
    expect(series('0 0 0 * * */3', '2024-01-01T00:00:00Z', 3).map((s) => s.slice(0, 10))).toEqual([
      '2024-01-03',
      '2024-01-06',
      '2024-01-07',
    ]);
  });

  it('requires day-of-month AND day-of-week when both are restricted, as NCrontab does', () => {
    // Friday the 13th only.
    expect(series('0 0 0 13 * FRI', '2024-01-01T00:00:00Z', 3).map((s) => s.slice(0, 10))).toEqual([
      '2024-09-13',
      '2024-12-13',
      '2025-06-13',
    ]);
    // With only one of them restricted the other imposes nothing.
    expect(next('0 0 0 13 * *', '2024-01-01T00:00:00Z')).toBe('2024-01-13T00:00:00.000Z');
    expect(next('0 0 0 * * FRI', '2024-01-01T00:00:00Z')).toBe('2024-01-05T00:00:00.000Z');
    // The month still has to match.
    expect(next('0 0 0 * FEB FRI', '2024-01-01T00:00:00Z')).toBe('2024-02-02T00:00:00.000Z');
  });

  it('finds Feb 29 only in leap years', () => {
    expect(next('0 0 0 29 2 *', '2023-01-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(next('0 0 0 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    // 2100 is not a leap year.
    expect(next('0 0 0 29 2 *', '2096-03-01T00:00:00Z')).toBeNull();
  });

  it('rolls over from Dec 31 to Jan 1', () => {
    expect(next('0 0 0 * * *', '2023-12-31T12:00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(next('0 0 0 1 1 *', '2023-12-31T23:59:59.999Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(next('59 59 23 31 12 *', '2023-12-31T23:59:59Z')).toBe('2024-12-31T23:59:59.000Z');
    expect(next('* * * * * *', '2023-12-31T23:59:59Z')).toBe('2024-01-01T00:00:00.000Z');
  });

  it('skips months too short for the day', () => {
    expect(series('0 0 0 31 * *', '2024-01-01T00:00:00Z', 3).map((s) => s.slice(0, 10))).toEqual([
      '2024-01-31',
      '2024-03-31',
      '2024-05-31',
    ]);
  });

  it('returns null quickly for impossible schedules', () => {
    const started = Date.now();
    expect(next('0 0 0 31 2 *', '2024-01-01T00:00:00Z')).toBeNull();
    expect(next('0 0 0 30 2 *', '2024-01-01T00:00:00Z')).toBeNull();
    expect(next('0 0 0 31 4,6,9,11 *', '2024-01-01T00:00:00Z')).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('accepts the five-field form without seconds', () => {
    expect(next('*/15 * * * *', '2024-01-01T10:07:30Z')).toBe('2024-01-01T10:15:00.000Z');
    expect(next('30 9 * * MON-FRI', '2024-01-06T00:00:00Z')).toBe('2024-01-08T09:30:00.000Z');
    expect(next('  0   0 1 1 *  ', '2024-06-01T00:00:00Z')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('rejects an invalid Date', () => {
    expect(() => parseCron('* * * * * *').next(new Date(NaN))).toThrow(RangeError);
  });
});

describe('parseCron errors', () => {
  it.each([
    ['', /expected 6 fields/],
    ['* * * *', /expected 6 fields.*got 4/],
    ['* * * * * * *', /expected 6 fields.*got 7/],
    ['60 * * * * *', /second/],
    ['* 60 * * * *', /minute/],
    ['* * 24 * * *', /hour/],
    ['* * * 0 * *', /day field/],
    ['* * * 32 * *', /day field/],
    ['* * * * 0 *', /month/],
    ['* * * * 13 *', /month/],
    ['* * * * FOO *', /month/],
    ['* * * * * 8', /day-of-week/],
    ['* * * * * FUNDAY', /day-of-week/],
    ['* * * * * MON-FOO', /day-of-week/],
    ['* * * * * SAT-SUN', /day-of-week.*reversed/],
    ['5-1 * * * * *', /second.*reversed/],
    ['*/0 * * * * *', /second.*step/],
    ['* 1-10/0 * * * *', /minute.*step/],
    ['* * */x * * *', /hour.*step/],
    ['1/2/3 * * * * *', /second/],
    ['1,,2 * * * * *', /second/],
    ['-1 * * * * *', /second/],
    ['1-2-3 * * * * *', /second/],
    ['1.5 * * * * *', /second/],
    ['* * * JAN * *', /day field/],
    ['every minute please', /expected 6 fields/],
  ])('%j', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(CronError);
    expect(() => parseCron(expr)).toThrow(message);
  });

  it('is an Error with a useful name', () => {
    const err = (() => {
      try {
        parseCron('61 * * * * *');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(CronError);
    expect((err as Error).name).toBe('CronError');
  });
});

describe('parseTimeSpanSchedule', () => {
  it.each([
    ['00:05:00', 300_000],
    ['01:00:00', 3_600_000],
    ['00:00:30', 30_000],
    ['1.00:00:00', 86_400_000],
    ['2.03:04:05', ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000],
    ['00:01', 60_000],
    [' 00:05:00 ', 300_000],
  ])('%j → %d ms', (expr, ms) => {
    expect(parseTimeSpanSchedule(expr)).toBe(ms);
  });

  it.each(['foo', '', '0 */5 * * * *', '*/5 * * * *', '5', '1.2', '00:05:00:00', 'a:b:c'])(
    '%j is not a TimeSpan',
    (expr) => {
      expect(parseTimeSpanSchedule(expr)).toBeNull();
    },
  );

  it.each(['00:00:00', '25:00:00', '00:60:00', '00:00:60'])('%j is rejected', (expr) => {
    expect(() => parseTimeSpanSchedule(expr)).toThrow(CronError);
  });
});
