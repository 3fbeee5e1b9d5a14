import { describeError } from '../core/fault-isolation';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { Clock } from '../durable/clock';
import { parseCron, parseTimeSpanSchedule } from './ncrontab';

/** What the host calls DefaultDateTime: `Last`/`LastUpdated` before the timer has ever run. */
const NEVER = '0001-01-01T00:00:00';

/**
 * A timer trigger on the devhost clock: NCRONTAB or TimeSpan schedule, optional run on startup.
 * Follows the host's TimerListener: a scheduled run is never past due (however late the clock jump
 * that made it due), the function sees the schedule status as it stood before the run (`Next` is the
 * occurrence now running), one run at a time, and missed occurrences collapse into one run.
 */
export class TimerListener {
  private stopped = false;
  private handle: NodeJS.Timeout | undefined;
  private running = false;
  private inflight: Promise<void> | undefined;
  /** The host's ScheduleStatus: `next` is the occurrence the timer waits for. */
  private status: { last: number | undefined; next: number; lastUpdated: number | undefined };
  private readonly nextAfter: (t: number) => number;
  private readonly onAdvanced = () => this.arm();

  constructor(
    private readonly fn: RegisteredFunction,
    schedule: string,
    private readonly runOnStartup: boolean,
    private readonly invoker: Invoker,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly extraInputs: { name: string; data: RpcTypedData }[],
  ) {
    const interval = parseTimeSpanSchedule(schedule);
    if (interval !== null) {
      this.nextAfter = (t) => t + interval;
    } else {
      const cron = parseCron(schedule);
      this.nextAfter = (t) => cron.next(new Date(t))?.getTime() ?? Infinity;
    }
    this.status = { last: undefined, next: this.nextAfter(clock.now()), lastUpdated: undefined };
  }

  start(): void {
    this.clock.on('advanced', this.onAdvanced);
    if (this.runOnStartup) this.inflight = this.runLogged(false);
    else this.arm();
  }

  /** Stops the schedule; resolves once a run in progress (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    this.clock.off('advanced', this.onAdvanced);
    if (this.handle) clearTimeout(this.handle);
    return this.inflight ?? Promise.resolve();
  }

  private arm(): void {
    if (this.stopped || this.running) return;
    if (this.handle) clearTimeout(this.handle);
    if (this.status.next === Infinity) return;
    // Re-checked at least once a minute so that a clock advance is never missed for long.
    const wait = Math.max(0, Math.min(60_000, this.status.next - this.clock.now()));
    this.handle = setTimeout(() => {
      this.handle = undefined;
      if (this.clock.now() >= this.status.next) this.inflight = this.runLogged(true);
      else this.arm();
    }, wait);
    this.handle.unref?.();
  }

  /** A run started from a timer callback: nobody awaits it, so its failure is logged here (never unhandled). */
  private runLogged(scheduled: boolean): Promise<void> {
    return this.run(scheduled).catch((e: unknown) =>
      this.logger.error(`timer ${this.fn.metadata.name}: run failed: ${describeError(e)}`),
    );
  }

  private async run(scheduled: boolean): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    const invokedAt = this.clock.now();
    const s = this.status;
    const timer = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: s.last === undefined ? NEVER : new Date(s.last).toISOString(),
        Next: new Date(s.next).toISOString(),
        LastUpdated: s.lastUpdated === undefined ? NEVER : new Date(s.lastUpdated).toISOString(),
      },
      IsPastDue: false,
    };
    try {
      const outcome = await this.invoker.invoke(this.fn, {
        inputData: [{ name: this.fn.triggerName, data: { json: JSON.stringify(timer) } }, ...this.extraInputs],
      });
      // As the host does: a run that fired a moment early counts as the scheduled occurrence, and the
      // next occurrence is the first one after the run (so occurrences missed during a jump run once).
      const at = scheduled && s.next > invokedAt ? s.next : invokedAt;
      this.status = { last: at, next: this.nextAfter(at), lastUpdated: at };
      const scope = { functionName: this.fn.metadata.name, invocationId: outcome.invocationId };
      if (outcome.error) this.logger.log('error', `Executed (Failed): ${outcome.errorText}`, scope);
      else
        this.logger.log(
          'information',
          `Executed (Succeeded); next run ${new Date(this.status.next).toISOString()}`,
          scope,
        );
    } finally {
      this.running = false;
      this.arm();
    }
  }
}
