// Provisioning replayed in memory: the image goes to every region in its own sub-orchestration, each
// retrying its copy on the policy's backoff and reporting (not throwing) a final failure, so one bad
// region neither hides nor stops the others.
import { ORCHESTRATOR } from '../../../domain/publishing/stages';
import { INPUT, journey, publishWorld, PublishTester, REF, REGIONS } from './publish-harness';

const PARENT = 'provision-1';

async function provision(t: PublishTester) {
  return t.start(ORCHESTRATOR.provisionImage, INPUT, { instanceId: PARENT });
}

test('every region copied, each by its own sub-orchestration, with the region count', async () => {
  const { t } = await publishWorld();
  const id = await provision(t);
  await t.runUntilIdle();
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: {
      ok: true,
      messages: [{ level: 'information', text: `The image was replicated to 3 regions: ${REGIONS.join(', ')}.` }],
    },
  });
  const copies = t.callsOf('copyImageToRegion');
  expect(copies.map((c) => c.input)).toEqual(REGIONS.map((region) => ({ ...REF, region, total: REGIONS.length })));
  expect(copies.map((c) => c.instanceId)).toEqual(REGIONS.map((r) => `${PARENT}:${r}`));
  for (const r of REGIONS) {
    expect(t.status(`${PARENT}:${r}`)).toMatchObject({
      name: ORCHESTRATOR.provisionRegion,
      runtimeStatus: 'Completed',
      output: { region: r, ok: true },
    });
  }
});

test('one region failing for good: the others are still copied, and only it is reported', async () => {
  const { t } = await publishWorld({
    copyImageToRegion: ({ region }) => {
      if (region === 'japaneast') throw new Error('Region japaneast: copying os.vhd failed (503).');
      return { region, copied: 1, skipped: 0 };
    },
  });
  const id = await provision(t);
  await t.advance(10 * 60_000);
  expect(journey(t.callsOf('copyImageToRegion'))).toEqual([
    'copyImageToRegion eastus',
    'copyImageToRegion westeurope',
    ...Array(INPUT.retry.maxAttempts).fill('copyImageToRegion japaneast (failed)'),
  ]);
  expect(t.status(id)).toMatchObject({
    runtimeStatus: 'Completed',
    output: {
      ok: false,
      messages: [
        {
          level: 'error',
          text: 'Region japaneast could not be provisioned after retries: Region japaneast: copying os.vhd failed (503).',
        },
      ],
    },
  });
});

test('a region failing once is copied on its second attempt, after the backoff', async () => {
  const { t } = await publishWorld({
    copyImageToRegion: ({ region }, call) => {
      if (region === 'westeurope' && call.attempt === 1) throw new Error('throttled');
      return { region, copied: 1, skipped: 0 };
    },
  });
  const id = await provision(t);
  await t.runUntilIdle();
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(t.status(`${PARENT}:eastus`)?.runtimeStatus).toBe('Completed');
  await t.advance(INPUT.retry.firstRetryIntervalMs);
  expect(journey(t.callsOf('copyImageToRegion'))).toEqual([
    'copyImageToRegion eastus',
    'copyImageToRegion westeurope (failed)',
    'copyImageToRegion japaneast',
    'copyImageToRegion westeurope',
  ]);
  expect(t.status(id)?.output).toMatchObject({ ok: true });
});

test('planning failing for good fails provisioning itself (the publish reports it at its step)', async () => {
  const { t } = await publishWorld({
    planProvisioning: () => {
      throw new Error('The region catalogue is unavailable.');
    },
  });
  const id = await provision(t);
  await t.advance(60_000);
  expect(t.callsOf('planProvisioning').map((c) => c.attempt)).toEqual([1, 2, 3]);
  expect(t.callsOf('copyImageToRegion')).toEqual([]);
  expect(t.status(id)?.runtimeStatus).toBe('Failed');
  expect(String(t.status(id)?.output)).toContain('The region catalogue is unavailable.');
});

test('within a publish, a failed provisioning is the displayprovision step failing after retries', async () => {
  const { t, step } = await publishWorld({
    planProvisioning: () => {
      throw new Error('The region catalogue is unavailable.');
    },
  });
  const id = await t.start(ORCHESTRATOR.publishOffer, INPUT);
  await t.advance(60_000);
  expect(t.status(id)?.output).toEqual({ outcome: 'failed', step: 'displayprovision' });
  expect(step('displayprovision').status).toBe('rejected');
  // The rest of the text is the host's wording of a failed sub-orchestration, which differs between hosts.
  expect(step('displayprovision').messages[0].messageHtml).toMatch(
    /^The step kept failing after several retries: .*The region catalogue is unavailable\./,
  );
});
