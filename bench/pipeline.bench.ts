// The publishing pipeline on the devhost: publish → sign-off and Go Live → live for one offer and
// for 100 published at once, and the status endpoint under load (autocannon), beside a baseline
// measured in the same run (the host's trivial health endpoint under the same load).
import autocannon from 'autocannon';
import { sampleOffer } from '../domain/offer/sample-offer';
import { Partner } from '../test/support/partner-api';
import { startStack, Stack } from '../test/support/stack';
import { uploadVhd } from '../test/support/vhd-images';
import { Row } from './report';

const DOCUMENTED_TO_SIGNOFF_S = 15 * 60 + 5 * 86400 + 86400 + 3600; // < 15 min + < 5 days + < 1 day + < 1 hour

async function until(p: Partner, offerId: string, status: string, pollMs = 20): Promise<void> {
  for (;;) {
    const s = await p.status(offerId);
    if (s.status === status) return;
    if (s.status === 'failed')
      throw new Error(`${offerId} failed: ${JSON.stringify(s.steps.flatMap((x) => x.messages))}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, connections: 50, duration: 8, headers });
}

export async function benchPipeline(): Promise<Row[]> {
  const stack: Stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:bench-key',
    PUBLISH_RETRY_FIRST_MS: '200',
    DEVHOST_LOG_LEVEL: 'warning',
  });
  try {
    const p = new Partner(stack, 'contoso', 'bench-key');
    const vhd = await uploadVhd(stack.connectionString, 'vhds', 'bench.vhd');
    const doc = (id: string) =>
      sampleOffer({ offerId: id, osVhdUrl: vhd, leadConnectionString: stack.connectionString });

    // Warm-up publish (first-use table creation, code paths).
    await p.putOffer('warm-vm', doc('warm-vm'));
    await p.publish('warm-vm');
    await until(p, 'warm-vm', 'waitingForPublisherReview');

    await p.putOffer('one-vm', doc('one-vm'));
    let t = Date.now();
    await p.publish('one-vm');
    await until(p, 'one-vm', 'waitingForPublisherReview');
    const oneToSignoff = (Date.now() - t) / 1000;
    t = Date.now();
    await p.call('POST', '/offers/one-vm/golive');
    await until(p, 'one-vm', 'succeeded');
    const oneToLive = (Date.now() - t) / 1000;

    // The status endpoint under load, measured before the 100-offer burst: Azurite is one Node
    // process, and after thousands of writes its garbage collector pauses for seconds now and then,
    // which would measure the emulator rather than the endpoint.
    const auth = { Authorization: 'Bearer bench-key' };
    const health = await load(stack.url('/api/health'), {});
    const status = await load(p.url('/offers/one-vm/status'), auth);
    if (status.non2xx > 0 || status.errors > 0)
      throw new Error(`status endpoint: ${status.non2xx} non-2xx answers, ${status.errors} errors`);

    const ids = Array.from({ length: 100 }, (_, i) => `many-${i}`);
    await Promise.all(ids.map((id) => p.putOffer(id, doc(id))));
    t = Date.now();
    const starts = new Map<string, number>();
    await Promise.all(
      ids.map(async (id) => {
        starts.set(id, Date.now());
        const res = await p.publish(id);
        if (res.status !== 202) throw new Error(`publish ${id}: ${res.status}`);
      }),
    );
    const perOffer: number[] = [];
    await Promise.all(
      ids.map(async (id) => {
        // A partner polls about once a second; 100 of them polling every 20 ms would be the load test.
        await until(p, id, 'waitingForPublisherReview', 500);
        perOffer.push((Date.now() - starts.get(id)!) / 1000);
      }),
    );
    const manyToSignoff = (Date.now() - t) / 1000;
    t = Date.now();
    await Promise.all(ids.map((id) => p.call('POST', `/offers/${id}/golive`)));
    await Promise.all(ids.map((id) => until(p, id, 'succeeded', 500)));
    const manyToLive = (Date.now() - t) / 1000;

    return [
      {
        name: 'one offer: publish → waiting for sign-off',
        value: oneToSignoff,
        unit: 's',
        baseline: DOCUMENTED_TO_SIGNOFF_S,
        baselineLabel: 'documented time frames',
        lowerIsBetter: true,
      },
      {
        name: 'one offer: Go Live → live',
        value: oneToLive,
        unit: 's',
        baseline: 3600,
        baselineLabel: 'documented < 1 hour',
        lowerIsBetter: true,
      },
      { name: `100 offers at once: all at sign-off (${perOffer.length}/100 reached)`, value: manyToSignoff, unit: 's' },
      { name: '100 offers: per-offer publish → sign-off p50', value: pct(perOffer, 50), unit: 's' },
      { name: '100 offers: per-offer publish → sign-off p99', value: pct(perOffer, 99), unit: 's' },
      { name: '100 offers: all Go Live → live', value: manyToLive, unit: 's' },
      {
        name: 'status endpoint p50 (50 connections)',
        value: status.latency.p50,
        unit: 'ms',
        baseline: health.latency.p50,
        baselineLabel: 'health endpoint, same load',
        lowerIsBetter: true,
      },
      {
        name: 'status endpoint p99 (50 connections)',
        value: status.latency.p99,
        unit: 'ms',
        baseline: health.latency.p99,
        baselineLabel: 'health endpoint, same load',
        lowerIsBetter: true,
      },
      {
        name: 'status endpoint throughput',
        value: status.requests.average,
        unit: 'req/s',
        baseline: health.requests.average,
        baselineLabel: 'health endpoint',
      },
    ];
  } finally {
    await stack.stop();
  }
}
