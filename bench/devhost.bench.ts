// Throughput of the devhost's Durable engine on Azurite, beside the Azure Storage provider's
// published per-instance figures (Durable Functions "performance and scale").
import fs from 'node:fs';
import { raise, start, waitForStatus } from '../test/support/durable-http';
import { startStack } from '../test/support/stack';
import { Row } from './report';

// Entity operations: 64 ops/s for one entity on the Azure Storage provider, from the same page's
// performance targets. (No per-entity figure for Netherite is published there.)
const PUBLISHED = { sequential: 5, fanOut: 100, fanIn: 150, events: 50, entityOps: 64 };

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function benchDevhost(): Promise<Row[]> {
  const stack = await startStack('bench/fixtures/durable-bench', { DEVHOST_LEASE_SECONDS: '30' });
  try {
    // Warm up code paths and storage tables once.
    await waitForStatus(stack, await start(stack, 'benchSequence', 5), ['Completed'], 60_000);

    const seqN = 200;
    let t = Date.now();
    const seq = await waitForStatus(stack, await start(stack, 'benchSequence', seqN), ['Completed'], 300_000);
    const seqRate = seqN / ((Date.now() - t) / 1000);
    if (seq.output !== seqN) throw new Error('sequence gave a wrong result');

    const width = 500;
    t = Date.now();
    const fan = await waitForStatus(stack, await start(stack, 'benchFanOut', width), ['Completed'], 300_000);
    const total = (Date.now() - t) / 1000;
    const h = fan.historyEvents!;
    const startedAt = Date.parse(String(h.find((e) => e.EventType === 'ExecutionStarted')!.Timestamp));
    const completions = h.filter((e) => e.EventType === 'TaskCompleted').map((e) => Date.parse(String(e.Timestamp)));
    const doneAt = Date.parse(String(h.find((e) => e.EventType === 'ExecutionCompleted')!.Timestamp));
    const fanOutRate = width / Math.max(0.001, (Math.max(...completions) - startedAt) / 1000);
    const fanInRate = width / Math.max(0.001, (doneAt - Math.min(...completions)) / 1000);

    const eventsN = 300;
    const evId = await start(stack, 'benchEvents', eventsN);
    await waitForStatus(stack, evId, ['Running']);
    t = Date.now();
    // 32 raise requests in flight at a time, like a busy client.
    let sent = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (sent < eventsN) {
          sent++;
          if ((await raise(stack, evId, 'tick', 1)) !== 202) throw new Error('raise refused');
        }
      }),
    );
    const ev = await waitForStatus(stack, evId, ['Completed'], 300_000);
    const eventRate = eventsN / ((Date.now() - t) / 1000);
    if (ev.output !== eventsN) throw new Error('events gave a wrong result');

    // Entity operations: signals to one counter through the entity HTTP API, 32 in flight, timed
    // from the first signal until the counter shows them all.
    const opsN = 1000;
    const entityUrl = stack.url('/runtime/webhooks/durabletask/entities/benchCounter/one');
    t = Date.now();
    let signalled = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (signalled < opsN) {
          signalled++;
          const res = await fetch(`${entityUrl}?op=add`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '1',
          });
          if (res.status !== 202) throw new Error(`signal refused: ${res.status}`);
        }
      }),
    );
    for (;;) {
      const res = await fetch(entityUrl);
      if (res.status === 200 && (await res.json()) === opsN) break;
      if (Date.now() - t > 300_000) throw new Error('entity operations did not all arrive');
      await new Promise((r) => setTimeout(r, 20));
    }
    const entityRate = opsN / ((Date.now() - t) / 1000);

    return [
      {
        name: `sequential activities (chain of ${seqN})`,
        value: seqRate,
        unit: 'act/s',
        baseline: PUBLISHED.sequential,
        baselineLabel: 'published',
      },
      {
        name: `fan-out (width ${width})`,
        value: fanOutRate,
        unit: 'act/s',
        baseline: PUBLISHED.fanOut,
        baselineLabel: 'published',
      },
      {
        name: `fan-in (width ${width})`,
        value: fanInRate,
        unit: 'results/s',
        baseline: PUBLISHED.fanIn,
        baselineLabel: 'published',
      },
      { name: `fan-out/fan-in end to end (width ${width})`, value: width / total, unit: 'act/s' },
      {
        name: `external events (${eventsN}, one instance)`,
        value: eventRate,
        unit: 'events/s',
        baseline: PUBLISHED.events,
        baselineLabel: 'published',
      },
      {
        name: `entity operations (${opsN} signals, one entity)`,
        value: entityRate,
        unit: 'ops/s',
        baseline: PUBLISHED.entityOps,
        baselineLabel: 'published',
      },
      { name: 'devhost peak memory (RSS)', value: peakRssMiB(stack.host.child!.pid!), unit: 'MiB' },
    ];
  } finally {
    await stack.stop();
  }
}
