// The publish status as transitions: each one's effect, the guards (another version, another
// instance), and that re-applying any transition after a crash changes nothing but changedTime.
import {
  apply,
  applyAll,
  currentStep,
  neverPublished,
  releasedByOps,
  signoffRequested,
  signoffWithdrawn,
  started,
  startUndone,
  Transition,
} from '../../../../domain/publishing/lifecycle';
import type { PublishStatus } from '../../../../domain/publishing/status';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T10:05:00.000Z';
const running = () =>
  started({ version: 3, operationId: 'op', instanceId: 'p:o:3', notificationEmails: ['a@contoso.com'] }, T0);
const info = (text: string) => ({ level: 'information' as const, text });
const step = (s: PublishStatus, id: string) => s.steps.find((x) => x.id === id)!;

const TRANSITIONS: Transition[] = [
  { kind: 'stepStarted', step: 'displaycertify' },
  { kind: 'stepCompleted', step: 'displaycertify', messages: [info('ok')], reportUrl: 'http://r' },
  { kind: 'stepRejected', step: 'displaypackage', messages: [{ level: 'error', text: 'bad' }] },
  { kind: 'regionProvisioned', region: 'eastus', total: 4 },
  { kind: 'previewOpened', links: [{ displayText: 'Preview', uri: 'http://p' }] },
  { kind: 'signedOff' },
  { kind: 'live', links: [{ displayText: 'Live', uri: 'http://l' }] },
  { kind: 'cancelled' },
];

test('started: a running publish of the version, every step not started', () => {
  const s = running();
  expect(s).toMatchObject({
    status: 'running',
    publishingVersion: 3,
    operationId: 'op',
    instanceId: 'p:o:3',
    notificationEmails: 'a@contoso.com',
    signoff: 'none',
    changedTime: T0,
  });
  expect(s.steps.every((x) => x.status === 'notStarted' && x.progressPercentage === 0)).toBe(true);
  expect(neverPublished(T0)).toMatchObject({ status: 'neverPublished', publishingVersion: null, steps: s.steps });
});

test.each(TRANSITIONS.map((t) => [t.kind, t] as const))(
  're-applying %s after a crash leaves the record as once',
  (_, t) => {
    const once = apply(running(), 3, t, T0)!;
    expect(once).toBeDefined();
    const twice = apply(once, 3, t, T1) ?? once;
    expect({ ...twice, changedTime: once.changedTime }).toEqual(once);
  },
);

test.each(TRANSITIONS.map((t) => [t.kind, t] as const))('%s of an older version changes nothing', (_, t) => {
  expect(apply(running(), 2, t, T1)).toBeUndefined();
});

test('a rejected step fails the publish and says what to do next', () => {
  const s = apply(running(), 3, TRANSITIONS[2], T1)!;
  expect(s.status).toBe('failed');
  expect(step(s, 'displaypackage').status).toBe('rejected');
  expect(step(s, 'displaypackage').messages.map((m) => m.messageHtml)).toEqual([
    'bad',
    expect.stringMatching(/^What to do next: Correct the marketing content/),
  ]);
});

test('regions provisioned: progress counts distinct regions', () => {
  let s = running();
  for (const region of ['eastus', 'westeurope', 'eastus'])
    s = apply(s, 3, { kind: 'regionProvisioned', region, total: 4 }, T1)!;
  expect(step(s, 'displayprovision').progressPercentage).toBe(50);
  expect(s.provisionedRegions).toEqual(['eastus', 'westeurope']);
});

test('preview, sign-off and live: the offer ends succeeded with its live links', () => {
  const s = applyAll(running(), 3, TRANSITIONS.slice(4, 7), T1)!;
  expect(s.status).toBe('succeeded');
  expect(s.liveLinks).toEqual([{ displayText: 'Live', uri: 'http://l' }]);
  expect(['preview', 'publisher-signoff', 'live'].map((id) => step(s, id).status)).toEqual([
    'complete',
    'complete',
    'complete',
  ]);
});

test('preview opened: waiting for the publisher at the sign-off step', () => {
  const s = apply(running(), 3, TRANSITIONS[4], T1)!;
  expect(s.status).toBe('waitingForPublisherReview');
  expect(currentStep(s).id).toBe('publisher-signoff');
});

test('sign-off requests are recorded once and withdrawn only by their own kind', () => {
  const s = signoffRequested(running(), 'golive', T1);
  expect(s).toMatchObject({ signoff: 'goLiveRequested', changedTime: T1 });
  expect(signoffWithdrawn(s, 'cancel')).toBeUndefined();
  expect(signoffWithdrawn(s, 'golive')?.signoff).toBe('none');
  expect(startUndone(s, T0)).toEqual({ ...s, changedTime: T0 });
});

test('released by ops: fails at the current step, only the same in-flight instance, once', () => {
  const s = apply(running(), 3, { kind: 'stepStarted', step: 'displayprovision' }, T0)!;
  expect(releasedByOps(s, 'other', 'stuck.', T1)).toBeUndefined();
  const released = releasedByOps(s, 'p:o:3', 'stuck.', T1)!;
  expect(released.status).toBe('failed');
  expect(step(released, 'displayprovision')).toMatchObject({ status: 'rejected' });
  expect(step(released, 'displayprovision').messages[0].messageHtml).toBe(
    'Publishing was stopped by the operations team: stuck. Publish again, or open a support request.',
  );
  expect(releasedByOps(released, 'p:o:3', 'stuck.', T1)).toBeUndefined();
});

test('the current step: running, else the first not done, else the last', () => {
  expect(currentStep(running()).id).toBe('displaydummycertify');
  const done = applyAll(
    running(),
    3,
    ['displaydummycertify', 'displaycertify', 'displayprovision', 'displaypackage'].map(
      (id) => ({ kind: 'stepCompleted', step: id, messages: [] }) as Transition,
    ),
    T1,
  )!;
  expect(currentStep(done).id).toBe('preview');
  expect(currentStep(applyAll(done, 3, TRANSITIONS.slice(4, 7), T1)!).id).toBe('live');
});
