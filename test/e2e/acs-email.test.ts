// The Azure Communication Services path of the pipeline: the app's real EmailClient against a local
// fake ACS endpoint; a send that fails is retried by the activity and delivered exactly once.
import { sampleOffer } from '../../domain/offer/sample-offer';
import { FakeAcs, startFakeAcs } from '../support/fake-acs';
import { status } from '../support/durable-http';
import { Partner } from '../support/partner-api';
import { startStack, Stack, waitUntil } from '../support/stack';
import { uploadVhd } from '../support/vhd-images';

let acs: FakeAcs;
let stack: Stack;

beforeAll(async () => {
  acs = await startFakeAcs();
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PUBLISH_RETRY_ATTEMPTS: '3',
    PROVISION_REGIONS: 'eastus',
    COMMUNICATION_SERVICES_CONNECTION_STRING: acs.connectionString,
    EMAIL_SENDER: 'DoNotReply@offers.example.com',
  });
});
afterAll(async () => {
  await stack?.stop();
  await acs?.close();
});

test('publish e-mails go through ACS; a failed send is retried by the activity and delivered once', async () => {
  const contoso = new Partner(stack, 'contoso', 'contoso-key');
  const vhd = await uploadVhd(stack.connectionString, 'vhds', 'acs.vhd');
  expect(
    (
      await contoso.putOffer(
        'acs-vm',
        sampleOffer({ offerId: 'acs-vm', osVhdUrl: vhd, leadConnectionString: stack.connectionString }),
      )
    ).status,
  ).toBe(201);
  acs.failNext(1, 'operation-failed');
  expect((await contoso.publish('acs-vm', 'ops@contoso.example.com')).status).toBe(202);
  await contoso.waitForStatus('acs-vm', ['waitingForPublisherReview']);
  const subjects = await waitUntil(async () => {
    const s = acs.delivered.map((d) => d.subject);
    return s.some((x) => x.startsWith('Preview ready')) ? s : undefined;
  });
  expect(subjects.filter((s) => s.startsWith('Publishing started: contoso/acs-vm'))).toHaveLength(1);
  expect(subjects.filter((s) => s.startsWith('Preview ready: contoso/acs-vm'))).toHaveLength(1);
  const accepted = acs.delivered.find((d) => d.subject.startsWith('Publishing started'))!;
  expect(accepted).toMatchObject({ senderAddress: 'DoNotReply@offers.example.com', to: ['ops@contoso.example.com'] });
  expect(accepted.html).toContain('<p>');
  // The first attempt was accepted by ACS and then failed; the retry used a new send that succeeded.
  const sends = acs.requests.filter((r) => r.method === 'POST');
  expect(sends.length).toBeGreaterThanOrEqual(3);
  const history = (await status(stack, 'publish:contoso:acs-vm:v1', '?showHistory=true'))!.historyEvents!;
  const failedSends = history.filter((e) => e.EventType === 'TaskFailed' && e.FunctionName === 'sendPublishEmail');
  expect(failedSends).toHaveLength(1);
  expect(String(failedSends[0].Reason)).toContain('FakeInjectedFailure');
  // Nothing went to the local outbox when ACS is configured.
  expect(await contoso.outbox()).toEqual([]);
});
