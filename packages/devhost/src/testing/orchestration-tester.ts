import { Writable } from 'node:stream';
import { Invoker } from '../core/invoker';
import { Logger } from '../core/logger';
import { Registry } from '../core/registry';
import { LogLevel } from '../core/types';
import { activityInput, ActivityWorker } from '../durable/activity-worker';
import { EventType, isTerminal, parseJsonText, RuntimeStatus } from '../durable/history';
import { MemoryInstanceStore } from '../durable/memory-instance-store';
import { ControlItem, Outbound, WorkItem } from '../durable/messages';
import { OrchestrationSession } from '../durable/orchestration-session';
import { orchestratorRunner } from '../durable/orchestrator-runner';
import { formatHistory } from '../durable/status-format';
import { ActivityCall, ActivityFake, ActivityFakes, ActivityShape, RecordedCall, withFakes } from './activity-fakes';
import { ManualClock } from './manual-clock';
import { loadTestApp, TestApp } from './test-app';
import { TestTimers } from './test-timers';

export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  completedTime?: string;
}

export interface OrchestrationTesterOptions<C> {
  /** Implementations of the app's activities, by name; an activity without one fails the run. */
  activities?: ActivityFakes<C>;
  /** Where the clock starts; it moves only by `advance`. */
  startTime?: Date | string | number;
  /** Log lines kept in `logs` from this level up (nothing is printed). */
  logLevel?: LogLevel;
  /** Orchestration steps plus activity calls one run may take before it is taken for a loop. */
  maxSteps?: number;
}

const DEFAULT_START = '2030-01-01T00:00:00.000Z';

/**
 * Runs an app's orchestrations in memory for a unit test: the app's own registrations, replayed by
 * durable-functions through the devhost's orchestration session (the same code that runs them on
 * Azurite), on an in-memory store, with activities faked by the test and a clock only the test moves.
 *
 * Work happens only inside `runUntilIdle` and `advance`, one piece at a time: an orchestration step,
 * or one activity call (in the order they were scheduled). So a run is deterministic, a fake can
 * raise an event or change another fake while it runs, and whatever a test does between two calls
 * lands exactly there (an event raised right after `start` arrives before the orchestration ran at all).
 * Durable timers, retry backoffs included, fire only when `advance` moves the clock past them.
 */
export class OrchestrationTester<C extends object = Record<string, ActivityShape>> {
  readonly clock: ManualClock;
  readonly store = new MemoryInstanceStore();
  /** What the app and the host logged, one line each. */
  readonly logs: string[] = [];
  private readonly registry: Registry;
  private readonly session: OrchestrationSession;
  private readonly worker: ActivityWorker;
  private readonly fakes: ActivityFakes<C>;
  private readonly maxSteps: number;
  private readonly mailboxes = new Map<string, ControlItem[]>();
  private readonly ready: string[] = [];
  private readonly work: WorkItem[] = [];
  private readonly timerQueue = new TestTimers();
  private readonly recorded: RecordedCall<C>[] = [];
  private current?: { item: WorkItem; call: ActivityCall; input?: unknown; done: () => void };
  private problem?: Error;
  private sequence = 0;

  /** Loads the app in `appDir` (once per test file, see loadTestApp) and makes a tester on it. */
  static async forApp<C extends object = Record<string, ActivityShape>>(
    appDir: string,
    options: OrchestrationTesterOptions<C> = {},
  ): Promise<OrchestrationTester<C>> {
    return new OrchestrationTester<C>(await loadTestApp(appDir), options);
  }

  constructor(app: TestApp, options: OrchestrationTesterOptions<C> = {}) {
    this.clock = new ManualClock(options.startTime ?? DEFAULT_START);
    this.fakes = { ...options.activities };
    this.maxSteps = options.maxSteps ?? 10_000;
    const logs = this.logs;
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        logs.push(String(chunk).trimEnd());
        done();
      },
    });
    const logger = new Logger(options.logLevel ?? 'information', sink);
    this.registry = withFakes(app.registry, (name, input) => this.callFake(name, input));
    const invoker = new Invoker(this.registry, logger);
    this.session = new OrchestrationSession(this.store, this.clock, orchestratorRunner(this.registry, invoker));
    this.worker = new ActivityWorker(this.registry, invoker, this.clock, (d) => this.activityDone(d.item), 1, logger);
  }

  /** Replaces (or supplies) the fake of one activity from now on. */
  fake<K extends keyof C>(name: K, implementation: ActivityFake<C[K]>): void {
    this.fakes[name] = implementation;
  }

  /**
   * Starts an orchestration as the durable client does (refused while an instance with the id runs).
   * Nothing runs until `runUntilIdle`.
   */
  async start(name: string, input?: unknown, options: { instanceId?: string } = {}): Promise<string> {
    const fn = this.registry.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger')
      throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const instanceId = options.instanceId ?? `instance-${++this.sequence}`;
    const existing = this.store.cachedRow(instanceId);
    if (existing && !isTerminal(existing.status))
      throw new Error(`An orchestration instance with id '${instanceId}' already exists and is ${existing.status}.`);
    const now = this.clock.nowIso();
    const executionId = `execution-${++this.sequence}`;
    const inputText = input === undefined ? null : JSON.stringify(input);
    await this.store.putInstanceRow({
      instanceId,
      executionId,
      name: fn.metadata.name,
      version: '',
      input: inputText,
      output: null,
      customStatus: null,
      status: 'Pending',
      createdTime: now,
      lastUpdatedTime: now,
    });
    this.deliver({
      id: `start|${instanceId}|${executionId}`,
      instanceId,
      executionId,
      kind: 'event',
      event: {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: now,
        Name: fn.metadata.name,
        Input: inputText,
        Version: '',
      },
    });
    return instanceId;
  }

  /** Raises an external event, as the durable client does; it is handled by the next run. */
  raiseEvent(instanceId: string, eventName: string, data?: unknown): void {
    this.requireLive(instanceId);
    this.deliver({
      id: `raise|${++this.sequence}`,
      instanceId,
      kind: 'event',
      event: {
        EventType: EventType.EventRaised,
        EventId: -1,
        IsPlayed: false,
        Timestamp: this.clock.nowIso(),
        Name: eventName,
        Input: data === undefined ? null : JSON.stringify(data),
      },
    });
  }

  terminate(instanceId: string, reason?: string): void {
    this.requireLive(instanceId);
    this.deliver({ id: `terminate|${++this.sequence}`, instanceId, kind: 'terminate', reason });
  }

  /**
   * Runs orchestration steps and activity calls until nothing is left to do but wait (for an event,
   * a timer, or nothing at all). Fails with the first activity that has no fake.
   */
  async runUntilIdle(): Promise<void> {
    for (let n = 0; ; n++) {
      if (n >= this.maxSteps)
        throw new Error(`Still busy after ${this.maxSteps} steps and activity calls: does an orchestration loop?`);
      const instanceId = this.ready.shift();
      if (instanceId !== undefined) await this.step(instanceId);
      else {
        const item = this.work.shift();
        if (!item) return;
        await this.runActivity(item);
      }
      const problem = this.problem;
      if (problem) {
        this.problem = undefined;
        throw problem;
      }
    }
  }

  /**
   * Lets `ms` pass: runs until idle, then fires each durable timer due by then at its own time (so a
   * timer created on the way, a later retry's backoff, fires too if it falls within), running until
   * idle after each, and leaves the clock at the end of the span.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('Time only moves forward.');
    const until = this.clock.now() + ms;
    await this.runUntilIdle();
    for (let at = this.timerQueue.next(until); at !== undefined; at = this.timerQueue.next(until)) {
      this.clock.advanceTo(at);
      for (const fired of this.timerQueue.fire(at)) this.deliver(fired);
      await this.runUntilIdle();
    }
    this.clock.advanceTo(until);
  }

  status(instanceId: string): InstanceStatus | undefined {
    const row = this.store.cachedRow(instanceId);
    if (!row) return undefined;
    return {
      instanceId: row.instanceId,
      name: row.name,
      runtimeStatus: row.status,
      input: parseJsonText(row.input),
      output: parseJsonText(row.output),
      customStatus: parseJsonText(row.customStatus),
      createdTime: row.createdTime,
      lastUpdatedTime: row.lastUpdatedTime,
      completedTime: row.completedTime,
    };
  }

  /** The committed history as the durable client reports it (`showHistoryOutput` on). */
  async history(instanceId: string): Promise<Record<string, unknown>[]> {
    const state = await this.store.load(instanceId);
    return state ? formatHistory(state.history, { showOutput: true, showInput: true }) : [];
  }

  /** Every activity call so far, in order. */
  get calls(): readonly RecordedCall<C>[] {
    return this.recorded;
  }

  callsOf<K extends keyof C>(name: K): Extract<RecordedCall<C>, { name: K }>[] {
    return this.recorded.filter((c): c is Extract<RecordedCall<C>, { name: K }> => c.name === name);
  }

  /** Durable timers not fired yet (retry backoffs included), earliest first. */
  timers(): { instanceId: string; fireAt: string }[] {
    return this.timerQueue.list();
  }

  // ---- the engine's part, in memory ----------------------------------------------------------

  private callFake(name: string, input: unknown): unknown {
    const current = this.current!;
    current.input = input;
    const fake = this.fakes[name as keyof C] as ((input: unknown, call: ActivityCall) => unknown) | undefined;
    if (!fake) {
      const error = new Error(
        `The test supplies no fake for activity '${name}' (called by ${current.call.instanceId}).`,
      );
      this.problem ??= error;
      throw error;
    }
    return fake(input, current.call);
  }

  private requireLive(instanceId: string): void {
    const row = this.store.cachedRow(instanceId);
    if (!row) throw new Error(`No instance with id '${instanceId}' was found.`);
    if (isTerminal(row.status)) throw new Error(`Instance '${instanceId}' is ${row.status}.`);
  }

  private deliver(item: ControlItem): void {
    const box = this.mailboxes.get(item.instanceId);
    if (box) box.push(item);
    else this.mailboxes.set(item.instanceId, [item]);
    if (!this.ready.includes(item.instanceId)) this.ready.push(item.instanceId);
  }

  /** One step of one instance, as the engine takes it: a batch from its mailbox, the rest kept. */
  private async step(instanceId: string): Promise<void> {
    const batch = (this.mailboxes.get(instanceId) ?? []).slice(0, 500);
    const result = await this.session.process(instanceId, batch);
    const left = (this.mailboxes.get(instanceId) ?? []).filter(
      (item) => !(result.consumed.has(item.id) && batch.includes(item)),
    );
    if (left.length) this.mailboxes.set(instanceId, left);
    else this.mailboxes.delete(instanceId);
    this.dispatch(result.outbound);
    // What a step could not take (a suspended instance's events) waits for something new.
    if (left.length && result.consumed.size > 0 && !this.ready.includes(instanceId)) this.ready.push(instanceId);
  }

  private dispatch(out: Outbound): void {
    this.work.push(...out.workItems);
    for (const item of out.control) this.deliver(item);
    this.timerQueue.add(out.timers);
    this.timerQueue.cancel(out.cancelTimers);
  }

  private async runActivity(item: WorkItem): Promise<void> {
    const state = await this.store.load(item.instanceId);
    const attempt = state?.engine.retries[String(item.taskScheduledId)]?.attempt ?? 1;
    const call: ActivityCall = { name: item.name, instanceId: item.instanceId, attempt, at: this.clock.nowIso() };
    // Through the devhost's activity worker, so the input and a failure look as they do on the host.
    await new Promise<void>((done) => {
      this.current = { item, call, done };
      this.worker.accept([{ item, ack: () => undefined }]);
    });
  }

  private activityDone(result: ControlItem): void {
    const current = this.current!;
    this.current = undefined;
    const failed = result.event?.EventType === EventType.TaskFailed;
    this.recorded.push({
      ...current.call,
      input: 'input' in current ? current.input : activityInput(current.item.input),
      outcome: failed ? 'failed' : 'completed',
      error: failed ? result.event?.Reason : undefined,
    } as RecordedCall<C>);
    this.deliver(result);
    current.done();
  }
}
