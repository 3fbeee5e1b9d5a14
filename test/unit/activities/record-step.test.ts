// recordStep applies the lifecycle's transitions to the stored status, once, and never to a
// record a newer publish has taken over — against in-memory stores, no Azurite.
import { makeRecordStep } from '../../../activities/record-step';
import { started } from '../../../domain/publishing/lifecycle';
import { ref, world } from './fixtures';

test('a stage started, then completed with its messages', async () => {
  const w = world();
  const recordStep = makeRecordStep(w);
  await recordStep({ ...ref, transition: { kind: 'stepStarted', step: 'displaycertify' } });
  expect(w.statuses.status(ref.publisherId, ref.offerId).steps[1]).toMatchObject({
    id: 'displaycertify',
    status: 'inProgress',
  });
  await recordStep({
    ...ref,
    transition: {
      kind: 'stepCompleted',
      step: 'displaycertify',
      messages: [{ level: 'information', text: '12 checks passed.' }],
      reportUrl: 'http://localhost/report',
    },
  });
  const s = w.statuses.status(ref.publisherId, ref.offerId);
  expect(s.steps[1]).toMatchObject({ status: 'complete', progressPercentage: 100 });
  expect(s.steps[1].messages.map((m) => m.messageHtml)).toEqual(['12 checks passed.']);
  expect(s.reportUrl).toBe('http://localhost/report');
  expect(s.status).toBe('running');
});

test('re-running a rejection after a crash leaves the record as the first run did', async () => {
  const w = world();
  const recordStep = makeRecordStep(w);
  const input = {
    ...ref,
    transition: {
      kind: 'stepRejected' as const,
      step: 'displaydummycertify' as const,
      messages: [{ level: 'error' as const, text: 'title: required' }],
    },
  };
  await recordStep(input);
  const once = w.statuses.status(ref.publisherId, ref.offerId);
  w.tick();
  await recordStep(input);
  const twice = w.statuses.status(ref.publisherId, ref.offerId);
  expect({ ...twice, changedTime: once.changedTime }).toEqual(once);
  expect(once.status).toBe('failed');
  expect(once.steps[0].messages.map((m) => m.messageHtml)).toEqual([
    'title: required',
    expect.stringMatching(/^What to do next: /),
  ]);
});

test('a newer publish has taken over the record: nothing is written', async () => {
  const w = world();
  w.statuses.seed(
    ref.publisherId,
    ref.offerId,
    started({ version: 2, operationId: 'op-2', instanceId: 'i2', notificationEmails: [] }, w.now()),
  );
  const before = w.statuses.puts;
  await makeRecordStep(w)({ ...ref, transition: { kind: 'stepStarted', step: 'displaycertify' } });
  expect(w.statuses.puts).toBe(before);
  expect(w.statuses.status(ref.publisherId, ref.offerId).steps[1].status).toBe('notStarted');
});
