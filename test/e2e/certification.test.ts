// Certification in seconds, reading only what is needed: the pipeline keeps a JSON + HTML report
// linked from the status, and partners can run the same checks on demand before publishing.
import { BlobServiceClient } from '@azure/storage-blob';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { uefiImage } from '../support/boot-fixtures';
import { compliantTree } from '../support/image-fixtures';
import { Partner } from '../support/partner-api';
import { startStack, Stack } from '../support/stack';
import { sasUrl, uploadVhd } from '../support/vhd-images';

let stack: Stack;
let contoso: Partner;

beforeAll(async () => {
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:contoso-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PROVISION_REGIONS: 'eastus',
  });
  contoso = new Partner(stack, 'contoso', 'contoso-key');
});
afterAll(async () => {
  await stack?.stop();
});

interface Report {
  verdict: string;
  disks: {
    label: string;
    rows: { id: string; testId?: string; result: string; actual: string; fix?: string }[];
    stats: { reads: number; bytes: number };
  }[];
}

type PlanFields = Record<string, unknown>;

function offerWith(offerId: string, osVhdUrl: string, plan: PlanFields = {}) {
  const doc = sampleOffer({ offerId, osVhdUrl, leadConnectionString: stack.connectionString });
  Object.assign(doc.definition.plans[0], plan);
  return doc;
}

async function preflight(offerId: string, osVhdUrl: string, plan: PlanFields = {}): Promise<Report> {
  const put = await contoso.putOffer(offerId, offerWith(offerId, osVhdUrl, plan), '*');
  expect([200, 201]).toContain(put.status);
  const res = await contoso.call('POST', `/offers/${offerId}/plans/standard/certify`);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

test('pre-flight on a compliant 30 GiB image passes every check, reading a few hundred KB', async () => {
  const report = await preflight('pre-ok', await uploadVhd(stack.connectionString, 'vhds', 'pre-ok.vhd'));
  expect(report.verdict).toBe('pass');
  const rows = report.disks[0].rows;
  expect(rows.filter((r) => r.result === 'fail')).toEqual([]);
  for (const id of ['vhd.cookie', 'vhd.diskType', 'sas.permissions']) expect(rows.map((r) => r.id)).toContain(id);
  expect(rows.length).toBeGreaterThan(15);
  expect(report.disks[0].stats.bytes).toBeLessThan(8 * 1024 * 1024);
  // The self-test's TestIDs travel with the rows in the JSON report.
  expect(rows.find((r) => r.id === 'linux.agentVersion')?.testId).toBe('39');
  expect(rows.filter((r) => r.testId).map((r) => r.testId)).toHaveLength(12);
});

test('a Generation 2 disk fails on a plan that declares Generation 1, naming both, and passes once the plan declares x64Gen2', async () => {
  const url = await uploadVhd(stack.connectionString, 'vhds', 'pre-gen2.vhd', { image: uefiImage() });
  const gen1 = await preflight('pre-gen2', url);
  expect(gen1.disks[0].rows.filter((r) => r.result === 'fail').map((r) => [r.id, r.actual])).toEqual([
    [
      'partition.table',
      'GPT (a GPT header ("EFI PART") at sector 1): an x64 Generation 2 disk (GPT, EFI/BOOT/BOOTX64.EFI); the plan declares x64 Generation 1 only',
    ],
  ]);
  const gen2 = await preflight('pre-gen2', url, { 'microsoft-azure-virtualmachines.imageTypes': ['x64Gen2'] });
  expect(gen2.verdict).toBe('pass');
  expect(gen2.disks[0].rows.map((r) => r.id)).toEqual(expect.arrayContaining(['efi.esp', 'efi.bootLoader']));
  const refused = await contoso.putOffer(
    'pre-gen2',
    offerWith('pre-gen2', url, { 'microsoft-azure-virtualmachines.imageTypes': ['x64Gen3'] }),
    '*',
  );
  expect(refused.status).toBe(400);
});

test('a publish that fails certification names each row with its TestID in the step messages', async () => {
  const tree = { ...compliantTree(), 'etc/ssh/sshd_config': 'ClientAliveInterval 600\n' };
  const url = await uploadVhd(stack.connectionString, 'vhds', 'pub-ssh.vhd', { image: { tree } });
  expect((await contoso.putOffer('testid-vm', offerWith('testid-vm', url))).status).toBe(201);
  expect((await contoso.publish('testid-vm')).status).toBe(202);
  const failed = await contoso.waitForStatus('testid-vm', ['failed']);
  const cert = failed.steps.find((s) => s.id === 'displaycertify')!;
  expect(cert.messages.map((m) => m.messageHtml)).toEqual([
    expect.stringMatching(
      /^plan standard 1\.0\.0 OS disk: SSH ClientAliveInterval \(TestID 46\) — found 600 in \/etc\/ssh\/sshd_config, expected 30–235/,
    ),
    expect.stringMatching(/^What to do next/),
  ]);
});

test('pre-flight names the failing rule and how to fix it', async () => {
  const tree = { ...compliantTree(), 'etc/ssh/sshd_config': 'ClientAliveInterval 600\n' };
  const report = await preflight(
    'pre-ssh',
    await uploadVhd(stack.connectionString, 'vhds', 'pre-ssh.vhd', { image: { tree } }),
  );
  expect(report.verdict).toBe('fail');
  const failed = report.disks[0].rows.filter((r) => r.result === 'fail');
  expect(failed).toHaveLength(1);
  expect(failed[0].actual).toContain('600');
  expect(failed[0].fix).toMatch(/ClientAliveInterval/);
});

test('a hostile image (footer claiming 1 TiB on a 1 MiB blob) fails with a message; the service keeps serving', async () => {
  const c = BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient('vhds');
  await c.createIfNotExists();
  const blob = c.getPageBlobClient('hostile.vhd');
  await blob.create(1024 * 1024);
  const footer = Buffer.alloc(512);
  footer.write('conectix', 0, 'latin1');
  footer.writeBigUInt64BE(1099511627776n, 48); // 1 TiB
  footer.writeUInt32BE(2, 60);
  await blob.uploadPages(footer, 1024 * 1024 - 512, 512);
  const report = await preflight('pre-hostile', sasUrl(stack.connectionString, 'vhds', 'hostile.vhd'));
  expect(report.verdict).toBe('fail');
  expect(report.disks[0].rows.find((r) => r.id === 'vhd.length')!.result).toBe('fail');
  expect((await fetch(stack.url('/api/health'))).status).toBe(200);
});

test('a publish keeps the report (JSON and HTML) linked from the status', async () => {
  const osVhdUrl = await uploadVhd(stack.connectionString, 'vhds', 'pub-ok.vhd');
  expect(
    (
      await contoso.putOffer(
        'report-vm',
        sampleOffer({ offerId: 'report-vm', osVhdUrl, leadConnectionString: stack.connectionString }),
      )
    ).status,
  ).toBe(201);
  expect((await contoso.publish('report-vm')).status).toBe(202);
  await contoso.waitForStatus('report-vm', ['waitingForPublisherReview']);
  const status = (await (await contoso.call('GET', '/offers/report-vm/status')).json()) as {
    certificationReportUrl: string;
  };
  expect(status.certificationReportUrl).toContain(
    '/api/publishers/contoso/offers/report-vm/certification-report?version=1',
  );
  const json = await fetch(status.certificationReportUrl, { headers: { Authorization: 'Bearer contoso-key' } });
  expect(((await json.json()) as Report).verdict).toBe('pass');
  const html = await fetch(`${status.certificationReportUrl}&format=html`, {
    headers: { Authorization: 'Bearer contoso-key' },
  });
  expect(html.headers.get('content-type')).toContain('text/html');
  expect(await html.text()).toContain('vhd.cookie');
  expect((await fetch(status.certificationReportUrl)).status).toBe(401);
});
