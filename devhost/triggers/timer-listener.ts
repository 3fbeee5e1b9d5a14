import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction } from '../core/registry';
import { RpcTypedData } from '../core/types';
import { Clock } from '../durable/clock';
import { parseCron, parseTimeSpanSchedule } from './ncrontab';

/** A timer trigger on the devhost clock: NCRONTAB or TimeSpan schedule, optional run on startup. */
export class TimerListener {
  private stopped = false;
  private handle: NodeJS.Timeout | undefined;
  private next: number;
  private last: number | undefined;
  private readonly nextAfter: (t: number) => number;

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
    this.next = this.nextAfter(clock.now());
    clock.on('advanced', () => this.arm());
  }

  start(): void {
    if (this.runOnStartup) void this.fire(false);
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
  }

  private arm(): void {
    if (this.stopped || this.next === Infinity) return;
    if (this.handle) clearTimeout(this.handle);
    const wait = Math.max(0, Math.min(60_000, this.next - this.clock.now()));
    this.handle = setTimeout(() => {
      if (this.clock.now() >= this.next) {
        const pastDue = this.clock.now() - this.next > 60_000;
        this.next = this.nextAfter(Math.max(this.clock.now(), this.next));
        void this.fire(pastDue);
      }
      this.arm();
    }, wait);
    this.handle.unref?.();
  }

  private async fire(isPastDue: boolean): Promise<void> {
    const now = this.clock.now();
    const timer = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: new Date(this.last ?? now).toISOString(), Next: new Date(this.next).toISOString(), LastUpdated: new Date(now).toISOString() },
      IsPastDue: isPastDue,
    };
    this.last = now;
    const outcome = await this.invoker.invoke(this.fn, { inputData: [{ name: this.fn.triggerName, data: { json: JSON.stringify(timer) } }, ...this.extraInputs] });
    const scope = { functionName: this.fn.metadata.name, invocationId: outcome.invocationId };
    if (outcome.error) this.logger.log('error', `Executed (Failed): ${outcome.error.message}`, scope);
    else this.logger.log('information', `Executed (Succeeded); next run ${new Date(this.next).toISOString()}`, scope);
  }
}
