import { EventEmitter } from 'node:events';

/**
 * The devhost's notion of "now". Normal runs use real time; a test may move it forward so a 7-day
 * durable timer fires at once, the way workflow test servers skip time. It never moves backwards.
 */
export class Clock extends EventEmitter {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The clock only moves forward by a finite number of milliseconds.');
    this.offsetMs += ms;
    this.emit('advanced', this.now());
    return this.now();
  }
}
