import { Clock } from '../durable/clock';

/**
 * A clock that stands still until the test moves it, so every timestamp an orchestration sees
 * (`currentUtcDateTime`, a timer's fire time, a retry's backoff) follows from the test alone.
 */
export class ManualClock extends Clock {
  private at: number;

  constructor(start: Date | string | number) {
    super();
    this.at = new Date(start).getTime();
    if (!Number.isFinite(this.at)) throw new RangeError(`Not a point in time: ${String(start)}`);
  }

  override now(): number {
    return this.at;
  }

  override advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The clock only moves forward by a finite number of milliseconds.');
    this.at += ms;
    this.emit('advanced', this.at);
    return this.at;
  }

  /** Moves to `time` if it is later; the clock never goes back. */
  advanceTo(time: number): number {
    return this.advance(Math.max(0, time - this.at));
  }
}
