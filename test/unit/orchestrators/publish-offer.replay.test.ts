// The publish orchestration replayed in memory (the devhost's orchestration session and the real
// durable-functions replay, no Azurite), with a clock the test moves: the activities called in order
// with their key inputs, the output, and the publish status the partner would see at each turn.
import { CANCEL_EVENT, GO_LIVE_EVENT } from '../../../domain/publishing/events';
import { NEXT_ACTION, StepId } from '../../../domain/publishing/steps';
import { INPUT, INSTANCE_ID, journey, publishWorld, REF, startPublish, TO_PREVIEW } from './publish-harness';

const DAY = 24 * 3600 * 1000;
const STAGES: StepId[] = ['displaydummycertify', 'displaycertify', 'displayprovision', 'displaypackage'];

const signoff = (operationId: string) => ({ operationId, requestedAt: '2030-01-01T00:00:00.000Z' });
const texts = (step: { messages: { messageHtml: string }[] }) => step.messages.map((m) => m.messageHtml);

test('happy path: every stage, the preview, then it waits for the publisher and goes live', async () => {
  const { t, status, step } = await publishWorld();
  const id = await startPublish(t);
  await t.runUntilIdle();
  expect(journey(t.calls)).toEqual(TO_PREVIEW);
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(status().status).toBe('waitingForPublisherReview');
  for (const s of STAGES) expect(step(s).status).toBe('complete');
  expect(step('publisher-signoff').status).toBe('waitingForPublisherReview');

  t.raiseEvent(id, GO_LIVE_EVENT, signoff('op-golive'));
  await t.runUntilIdle();
  expect(journey(t.calls)).toEqual([...TO_PREVIEW, 'history goLiveRequested', 'goLive', 'history live', 'email live']);
  expect(t.callsOf('goLive')[0].input).toEqual({ ...REF, signoffOperationId: 'op-golive' });
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'live' } });
  expect(status()).toMatchObject({
    status: 'succeeded',
    liveLinks: [expect.objectContaining({ uri: expect.any(String) })],
  });
  expect(step('live').status).toBe('complete');
  // Every e-mail goes to the publish's notification addresses; every stage works on this version.
  expect(t.callsOf('sendPublishEmail').map((c) => c.input.to)).toEqual(Array(3).fill(INPUT.notificationEmails));
  for (const c of t.calls)
    if (c.name === 'recordHistory')
      expect(c.input.entry).toMatchObject({
        publisherId: REF.publisherId,
        offerId: REF.offerId,
        publishingVersion: REF.version,
      });
    else if (c.name !== 'planProvisioning') expect(c.input).toMatchObject(REF);
});

test('what each stage reported is kept at its step, with the certification report', async () => {
  const { t, step, status } = await publishWorld();
  await startPublish(t);
  await t.runUntilIdle();
  expect(texts(step('displaydummycertify'))).toEqual(['All required fields are set.', 'Artifacts ingested.']);
  expect(status().reportUrl).toBe('https://reports.example/cert/3');
  expect(texts(step('displayprovision'))).toEqual([
    'The image was replicated to 3 regions: eastus, westeurope, japaneast.',
  ]);
});

test('cancel at sign-off: the publish is cancelled, nothing goes live', async () => {
  const { t, status } = await publishWorld();
  const id = await startPublish(t);
  await t.runUntilIdle();
  t.raiseEvent(id, CANCEL_EVENT, signoff('op-cancel'));
  await t.runUntilIdle();
  expect(journey(t.calls)).toEqual([
    ...TO_PREVIEW,
    'history cancelRequested',
    'cancelPublish',
    'history cancelled',
    'email canceled',
  ]);
  expect(t.callsOf('cancelPublish')[0].input).toEqual({ ...REF, signoffOperationId: 'op-cancel' });
  expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'canceled' } });
  expect(status()).toMatchObject({ status: 'canceled', liveLinks: [], previewLinks: [] });
});

test('Go Live raised before the orchestration ran at all: it goes live as soon as the preview is open', async () => {
  const { t, status } = await publishWorld();
  const id = await startPublish(t);
  t.raiseEvent(id, GO_LIVE_EVENT, signoff('op-early'));
  await t.runUntilIdle();
  expect(journey(t.calls)).toEqual([...TO_PREVIEW, 'history goLiveRequested', 'goLive', 'history live', 'email live']);
  expect(t.callsOf('goLive')[0].input.signoffOperationId).toBe('op-early');
  expect(t.status(id)?.output).toEqual({ outcome: 'live' });
  expect(status().status).toBe('succeeded');
});

test('Cancel raised during certification: the pipeline finishes, then it is cancelled without waiting', async () => {
  const { t } = await publishWorld({
    certifyImage: (_ref, call) => {
      t.raiseEvent(call.instanceId, CANCEL_EVENT, signoff('op-cancel-early'));
      return { ok: true, messages: [] };
    },
  });
  const id = await startPublish(t);
  await t.runUntilIdle();
  expect(journey(t.calls)).toEqual([
    ...TO_PREVIEW,
    'history cancelRequested',
    'cancelPublish',
    'history cancelled',
    'email canceled',
  ]);
  expect(t.callsOf('cancelPublish')[0].input.signoffOperationId).toBe('op-cancel-early');
  expect(t.status(id)?.output).toEqual({ outcome: 'canceled' });
});

test('there is no sign-off timeout: a month later it still waits, then Go Live still works', async () => {
  const { t } = await publishWorld();
  const id = await startPublish(t);
  await t.runUntilIdle();
  expect(t.timers()).toEqual([]);
  await t.advance(30 * DAY);
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(journey(t.calls)).toEqual(TO_PREVIEW);
  t.raiseEvent(id, GO_LIVE_EVENT, signoff('op-late'));
  await t.runUntilIdle();
  expect(t.status(id)?.output).toEqual({ outcome: 'live' });
});

const rejected = (text: string) => ({ ok: false, messages: [{ level: 'error' as const, text }] });

/**
 * Each stage rejecting the partner's input: the stage's own activity says no. What the stage's
 * earlier activities reported stays with it (`before`).
 */
const REJECTIONS: {
  step: StepId;
  problem: string;
  before: string[];
  stageCalls: string[];
  fakes: Parameters<typeof publishWorld>[0];
}[] = [
  {
    step: 'displaydummycertify',
    problem: 'The offer has no summary.',
    before: [],
    stageCalls: ['validatePrerequisites'],
    fakes: { validatePrerequisites: () => rejected('The offer has no summary.') },
  },
  {
    step: 'displaycertify',
    problem: 'The image has no /etc/waagent.conf.',
    before: [],
    stageCalls: ['certifyImage'],
    fakes: { certifyImage: () => ({ ...rejected('The image has no /etc/waagent.conf.'), reportUrl: 'https://r/1' }) },
  },
  {
    step: 'displaypackage',
    problem: 'The lead destination refused the test lead.',
    before: ['Listing packaged.'],
    stageCalls: ['packageListing', 'registerTestLead'],
    fakes: { registerTestLead: () => rejected('The lead destination refused the test lead.') },
  },
];

describe.each(REJECTIONS)('stage $step rejected', ({ step: stepId, problem, before, stageCalls, fakes }) => {
  test('reports the step, completes the operation as failed, e-mails the partner and stops', async () => {
    const { t, status, step } = await publishWorld(fakes);
    const id = await startPublish(t);
    await t.runUntilIdle();
    const upTo = TO_PREVIEW.indexOf(`recordStep stepStarted ${stepId}`);
    expect(journey(t.calls)).toEqual([
      ...TO_PREVIEW.slice(0, upTo + 1),
      ...TO_PREVIEW.slice(upTo + 1).filter((c) => stageCalls.includes(c)),
      `recordStep stepRejected ${stepId}`,
      'completeOperation',
      `email step-failed ${stepId}`,
    ]);
    const told = [...before, problem];
    expect(status().status).toBe('failed');
    expect(step(stepId).status).toBe('rejected');
    // The lifecycle orders a step's messages (errors first); which ones are there is the orchestrator's doing.
    expect(texts(step(stepId)).sort()).toEqual([...told, `What to do next: ${NEXT_ACTION[stepId]}`].sort());
    expect(t.callsOf('completeOperation')[0].input).toEqual({ ...REF, state: 'failed', message: told.join(' ') });
    expect(t.callsOf('sendPublishEmail').at(-1)?.input).toMatchObject({
      kind: 'step-failed',
      step: stepId,
      messages: told,
    });
    expect(t.status(id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'failed', step: stepId } });
    // Rejections are the partner's to fix: never retried.
    expect(t.calls.every((c) => c.attempt === 1)).toBe(true);
    expect(t.timers()).toEqual([]);
  });
});

test('stage displaycertify rejected: its report link is kept with the status', async () => {
  const { t, status } = await publishWorld(REJECTIONS[1].fakes);
  await startPublish(t);
  await t.runUntilIdle();
  expect(status().reportUrl).toBe('https://r/1');
});

test('stage displayprovision rejected: a region that cannot be copied fails the step after its retries', async () => {
  const { t, step } = await publishWorld({
    copyImageToRegion: ({ region }) => {
      if (region === 'westeurope') throw new Error('The regional storage account is unreachable.');
      return { region, copied: 1, skipped: 0 };
    },
  });
  const id = await startPublish(t);
  await t.advance(10 * 60_000);
  const copies = journey(t.callsOf('copyImageToRegion'));
  expect(copies.filter((c) => c.includes('westeurope'))).toEqual(
    Array(INPUT.retry.maxAttempts).fill('copyImageToRegion westeurope (failed)'),
  );
  expect(t.status(id)?.output).toEqual({ outcome: 'failed', step: 'displayprovision' });
  expect(step('displayprovision').status).toBe('rejected');
  expect(texts(step('displayprovision'))[0]).toBe(
    'Region westeurope could not be provisioned after retries: The regional storage account is unreachable.',
  );
  expect(journey(t.calls).slice(-3)).toEqual([
    'recordStep stepRejected displayprovision',
    'completeOperation',
    'email step-failed displayprovision',
  ]);
  expect(t.callsOf('packageListing')).toEqual([]);
});

test('a transient failure is retried after the policy backoff, and the publish carries on', async () => {
  const { t, step } = await publishWorld({
    certifyImage: (_ref, call) => {
      if (call.attempt === 1) throw new Error('The certification service timed out.');
      return { ok: true, messages: [] };
    },
  });
  const id = await startPublish(t);
  await t.runUntilIdle();
  expect(journey(t.calls).at(-1)).toBe('certifyImage (failed)');
  expect(step('displaycertify').status).toBe('inProgress');
  await t.advance(INPUT.retry.firstRetryIntervalMs - 1);
  expect(t.callsOf('certifyImage')).toHaveLength(1);
  await t.advance(1);
  const tries = t.callsOf('certifyImage');
  expect(tries.map((c) => [c.attempt, c.outcome])).toEqual([
    [1, 'failed'],
    [2, 'completed'],
  ]);
  expect(tries[1].input).toEqual(tries[0].input);
  expect(journey(t.calls).filter((c) => !c.startsWith('certifyImage'))).toEqual(
    TO_PREVIEW.filter((c) => c !== 'certifyImage'),
  );
  expect(t.status(id)?.runtimeStatus).toBe('Running');
  expect(step('displaycertify').status).toBe('complete');
});

test('transient failures exhausted: after every attempt the step is reported failed, without the error prefix', async () => {
  const { t, step } = await publishWorld({
    validatePrerequisites: () => {
      throw new Error('Table storage is throttling requests.');
    },
  });
  const id = await startPublish(t);
  await t.advance(60_000);
  const tries = t.callsOf('validatePrerequisites');
  expect(tries.map((c) => c.attempt)).toEqual([1, 2, 3]);
  // Exponential backoff from the policy: 1 s, then 2 s.
  const t0 = Date.parse(tries[0].at);
  expect(tries.map((c) => Date.parse(c.at) - t0)).toEqual([0, 1000, 3000]);
  const problem = 'The step kept failing after several retries: Table storage is throttling requests.';
  expect(step('displaydummycertify').status).toBe('rejected');
  expect(texts(step('displaydummycertify'))[0]).toBe(problem);
  expect(t.callsOf('sendPublishEmail').at(-1)?.input).toMatchObject({
    kind: 'step-failed',
    step: 'displaydummycertify',
    messages: [problem],
  });
  expect(t.callsOf('ingestArtifacts')).toEqual([]);
  expect(t.status(id)?.output).toEqual({ outcome: 'failed', step: 'displaydummycertify' });
});

test('a second publish of the same version while one runs is refused', async () => {
  const { t } = await publishWorld();
  await startPublish(t);
  await t.runUntilIdle();
  await expect(startPublish(t)).rejects.toThrow(/already exists/);
});

test('each stage is logged once, not again on every replay', async () => {
  const { t } = await publishWorld();
  await startPublish(t);
  await t.runUntilIdle();
  const stageLines = t.logs.filter((l) => l.includes(`${REF.publisherId}/${REF.offerId} v${REF.version}:`));
  expect(stageLines.map((l) => l.split(': ').at(-1))).toEqual(STAGES);
});

test('a publish started with its actor records the submission, each stage, the preview and the sign-off by whom', async () => {
  const { t, history } = await publishWorld();
  const dana = { actor: { kind: 'user' as const, id: 'oid-dana', displayName: 'Dana' }, origin: 'portal' as const };
  const id = await t.start('publishOffer', { ...INPUT, by: dana }, { instanceId: INSTANCE_ID });
  await t.runUntilIdle();
  t.raiseEvent(id, GO_LIVE_EVENT, { ...signoff('op-golive'), by: dana });
  await t.runUntilIdle();
  expect(t.status(id)?.output).toEqual({ outcome: 'live' });
  // In order, each after the state it reports was recorded.
  expect(journey(t.calls).filter((c) => c.startsWith('history ') || c === 'openPreview' || c === 'goLive')).toEqual([
    'history publishSubmitted',
    ...STAGES.map(() => 'history stepCompleted'),
    'openPreview',
    'history previewAvailable',
    'history goLiveRequested',
    'goLive',
    'history live',
  ]);
  // Written once each, by whom: the publisher's user for what they asked, the pipeline for the rest.
  const entries = (await history.list({ publisherId: INPUT.publisherId, offerId: INPUT.offerId }, {}, { top: 100 }))
    .items;
  const by = (event: string) => entries.filter((e) => e.event === event).map((e) => [e.actor.kind, e.actor.id]);
  expect(entries).toHaveLength(8);
  expect(by('publishSubmitted')).toEqual([['user', 'oid-dana']]);
  expect(by('goLiveRequested')).toEqual([['user', 'oid-dana']]);
  expect(by('stepCompleted')).toEqual(STAGES.map(() => ['system', 'publishOffer']));
  expect(by('previewAvailable')).toEqual([['system', 'publishOffer']]);
  expect(by('live')).toEqual([['system', 'publishOffer']]);
  expect(entries.find((e) => e.event === 'goLiveRequested')).toMatchObject({
    origin: 'portal',
    operationId: 'op-golive',
    publishingVersion: INPUT.version,
  });
});
