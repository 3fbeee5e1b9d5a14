// The partner CLI end to end: the compiled `offers` command, run as a child process against
// Azurite and the devhost, takes a VHD it uploaded itself from upload to live.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BlobSASPermissions, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { buildFixedVhdFooter } from '../../domain/image/vhd-footer';
import { sampleOffer } from '../../domain/offer/sample-offer';
import { buildImage } from '../support/image-fixtures';
import { startStack, Stack } from '../support/stack';
import { sasUrl } from '../support/vhd-images';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/tools/cli/main.js');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DISK = 30 * GiB;
const STEP_NAMES = [
  'Validate Pre-Requisites',
  'Certification',
  'Provisioning',
  'Packaging and Lead Generation Registration',
  'Offer available in Preview',
  'Publisher signoff',
  'Live',
];

let stack: Stack;
let tmp: string;
let vhd: string;
let vhds: ContainerClient;
/** The byte ranges of the local VHD that hold data: what a page blob copy of it must contain. */
let written: { start: number; end: number }[];
/** How many 4 MiB chunks near the start of the disk hold data (partition table, filesystem). */
let headChunks: number;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: tmp,
    OFFERS_CLI_CONFIG: path.join(tmp, 'config'),
    ...extraEnv,
  };
  // Credentials only from what the test sets up, never from the machine running it.
  for (const k of ['OFFERS_URL', 'OFFERS_PUBLISHER', 'OFFERS_KEY']) if (!(k in extraEnv)) delete env[k];
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function blobSas(name: string, permissions: string): Promise<string> {
  return vhds.getBlobClient(name).generateSasUrl({
    permissions: BlobSASPermissions.parse(permissions),
    startsOn: new Date(Date.now() - 3600_000),
    expiresOn: new Date(Date.now() + 24 * 3600_000),
  });
}

/** The blob's page ranges with neighbours merged (the service may report a run in pieces). */
async function pageRanges(name: string): Promise<{ start: number; end: number }[]> {
  // The SDK reports a range as {offset, count} where count is its inclusive end minus offset.
  const r = ((await vhds.getPageBlobClient(name).getPageRanges()).pageRange ?? []).map((p) => ({
    start: p.offset,
    end: p.offset + (p.count ?? 0) + 1,
  }));
  const out: { start: number; end: number }[] = [];
  for (const p of r.sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && last.end === p.start) last.end = p.end;
    else out.push({ ...p });
  }
  return out;
}

async function readBlob(name: string, offset: number, count: number): Promise<Buffer> {
  return vhds.getPageBlobClient(name).downloadToBuffer(offset, count);
}

function readFile(offset: number, count: number): Buffer {
  const fd = fs.openSync(vhd, 'r');
  try {
    const b = Buffer.alloc(count);
    fs.readSync(fd, b, 0, count, offset);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

const sentBytes = (r: Run) => Number(/\((\d+) bytes\) of/.exec(r.stdout)?.[1]);

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p .)`);
  stack = await startStack('.', {
    DEV_PUBLISHERS: 'contoso:cli-key',
    PUBLISH_RETRY_FIRST_MS: '100',
    PROVISION_REGIONS: 'eastus,westeurope',
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offers-cli-e2e-'));
  vhds = BlobServiceClient.fromConnectionString(stack.connectionString).getContainerClient('cli-vhds');
  await vhds.create();

  // A compliant 30 GiB Linux VHD (MBR, ext4 root, fixed footer) as a sparse file, so the image the
  // CLI uploads also passes certification; extra data far out exercises the chunk scanner.
  vhd = buildImage(tmp, 'os').path;
  expect(fs.statSync(vhd).size).toBe(DISK + 512);
  const fd = fs.openSync(vhd, 'r+');
  // 3 MiB across a 4 MiB chunk boundary (10 GiB + 4 MiB) …
  const runA = { start: 10 * GiB + 3 * MiB, end: 10 * GiB + 6 * MiB };
  fs.writeSync(fd, randomBytes(runA.end - runA.start), 0, runA.end - runA.start, runA.start);
  const extra = [runA];
  // … then every other page of 64 at 20 GiB (32 single pages, zero pages between them).
  for (let k = 0; k < 64; k += 2) {
    const start = 20 * GiB + 7 * 512 + k * 512;
    fs.writeSync(fd, randomBytes(512), 0, 512, start);
    extra.push({ start, end: start + 512 });
  }
  fs.closeSync(fd);
  // The partition table and filesystem sit in the first 64 MiB; the footer is the last sector.
  written = [...nonZeroRuns(readFile(0, 64 * MiB), 0), ...extra, { start: DISK, end: DISK + 512 }];
  headChunks = new Set(written.filter((r) => r.start < 64 * MiB).flatMap((r) => chunksOf(r))).size;
});

/** Runs of non-zero 512-byte pages in a buffer read at `base`, neighbours merged. */
function nonZeroRuns(buf: Buffer, base: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let at = 0; at < buf.length; at += 512) {
    if (buf.subarray(at, at + 512).every((b) => b === 0)) continue;
    const last = out[out.length - 1];
    if (last && last.end === base + at) last.end += 512;
    else out.push({ start: base + at, end: base + at + 512 });
  }
  return out;
}

/** The 4 MiB upload chunks a byte range touches. */
const chunksOf = (r: { start: number; end: number }) => {
  const out: number[] = [];
  for (let c = Math.floor(r.start / (4 * MiB)); c * 4 * MiB < r.end; c++) out.push(c);
  return out;
};

afterAll(async () => {
  await stack?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const writtenBytes = () => written.reduce((n, r) => n + r.end - r.start, 0);

test('login checks the key and saves the profile with mode 0600', async () => {
  const bad = await cli(['login', '--url', stack.host.origin, '--publisher', 'contoso', '--key', 'wrong-key']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toBe('error Unauthorized: The key is not valid or has been revoked.\n');
  expect(fs.existsSync(path.join(tmp, 'config', 'profile.json'))).toBe(false);

  const ok = await cli(['login', '--url', `${stack.host.origin}/`, '--publisher', 'contoso', '--key', 'cli-key']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain(`Logged in to ${stack.host.origin} as publisher contoso`);
  const file = path.join(tmp, 'config', 'profile.json');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
    url: stack.host.origin,
    publisher: 'contoso',
    key: 'cli-key',
  });

  const usage = await cli(['offer', 'fetch', 'x']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('unknown command "offer fetch"');
  expect((await cli(['status'])).code).toBe(2);
  expect((await cli(['status', 'x', '--verbose'])).stderr).toContain('unknown flag --verbose');
});

test('upload-vhd sends only the non-zero pages of a 30 GiB sparse VHD', async () => {
  const sas = await blobSas('os.vhd', 'rcw');
  const r = await cli(['upload-vhd', vhd, sas]);
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  expect(sentBytes(r)).toBe(writtenBytes());
  expect(writtenBytes()).toBeLessThan(40 * MiB);
  expect(r.stdout).toContain(`of 30.0 GiB (${DISK + 512} bytes)`);
  expect(r.stderr).toMatch(/scanned 30\.0 GiB of 30\.0 GiB, sent 3\.\d MiB/);
  expect(r.stderr).not.toContain('sig='); // the SAS signature is a secret: never printed
  expect(fs.existsSync(`${vhd}.upload.json`)).toBe(false);

  const props = await vhds.getPageBlobClient('os.vhd').getProperties();
  expect(props.blobType).toBe('PageBlob');
  expect(props.contentLength).toBe(DISK + 512);
  expect(await pageRanges('os.vhd')).toEqual(written);
  expect(writtenBytes()).toBe(sentBytes(r));
  expect((await readBlob('os.vhd', 10 * GiB + 3 * MiB, 3 * MiB)).equals(readFile(10 * GiB + 3 * MiB, 3 * MiB))).toBe(
    true,
  );
  expect((await readBlob('os.vhd', DISK, 512)).equals(buildFixedVhdFooter(BigInt(DISK)))).toBe(true);
});

test('offer put / get / list: creating, the ETag guard, field errors', async () => {
  const osVhdUrl = sasUrl(stack.connectionString, 'cli-vhds', 'os.vhd');
  const doc = path.join(tmp, 'offer.json');
  fs.writeFileSync(
    doc,
    JSON.stringify(sampleOffer({ offerId: 'cli-vm', osVhdUrl, leadConnectionString: stack.connectionString }), null, 2),
  );

  const created = await cli(['offer', 'put', 'cli-vm', doc]);
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^Created offer cli-vm; ETag \S+/);

  // An existing offer is never overwritten by accident.
  const blind = await cli(['offer', 'put', 'cli-vm', doc]);
  expect(blind.code).toBe(1);
  expect(blind.stderr).toMatch(/^error MissingIfMatch: If-Match: required to modify an existing offer/);
  expect(blind.stderr).toContain('hint: offer cli-vm already exists: pass --if-match');

  const got = await cli(['offer', 'get', 'cli-vm']);
  expect(got.code).toBe(0);
  const current = JSON.parse(got.stdout) as { eTag: string; id: string };
  expect(current.id).toBe('cli-vm');
  // What get printed can be sent back as it is.
  fs.writeFileSync(path.join(tmp, 'roundtrip.json'), got.stdout);
  expect(
    (await cli(['offer', 'put', 'cli-vm', path.join(tmp, 'roundtrip.json'), '--if-match', current.eTag])).code,
  ).toBe(0);
  const stale = await cli(['offer', 'put', 'cli-vm', doc, '--if-match', current.eTag]);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/^error PreconditionFailed: .*ETag mismatch/);
  expect((await cli(['offer', 'put', 'cli-vm', doc, '--force'])).stdout).toMatch(/^Updated offer cli-vm/);

  fs.writeFileSync(
    path.join(tmp, 'bad.json'),
    JSON.stringify({
      definition: { offer: { 'microsoft-azure-marketplace.title': 42 }, plans: [{ planId: 'a', colour: 'red' }] },
    }),
  );
  const bad = await cli(['offer', 'put', 'cli-bad', path.join(tmp, 'bad.json')]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^error InvalidOfferDocument: definition\.offer\.microsoft-azure-marketplace\.title: /);
  expect(bad.stderr).toContain('  - definition.plans[0].colour: unknown field');
  fs.writeFileSync(path.join(tmp, 'broken.json'), '{"definition": ');
  expect((await cli(['offer', 'put', 'cli-bad', path.join(tmp, 'broken.json')])).stderr).toMatch(
    /^error: .*broken\.json is not valid JSON/,
  );

  const list = await cli(['offer', 'list']);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^OFFER\s+STATUS\s+VERSION\s+CHANGED\s+TITLE\n/);
  expect(list.stdout).toMatch(/\ncli-vm\s+never published\s+-\s+\S+\s+Contoso VM\n/);
  const missing = await cli(['offer', 'get', 'nope']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe("error NotFound: Offer 'nope' does not exist.\n");
});

test('an offer that is not ready: publish prints one warning per field and exits 1', async () => {
  const offer = sampleOffer({
    offerId: 'cli-incomplete',
    osVhdUrl: sasUrl(stack.connectionString, 'cli-vhds', 'os.vhd'),
    leadConnectionString: stack.connectionString,
  });
  delete (offer.definition.offer as Record<string, unknown>)['microsoft-azure-marketplace.title'];
  (offer.definition.offer as Record<string, unknown>)['microsoft-azure-marketplace.summary'] = 'x'.repeat(150);
  fs.writeFileSync(path.join(tmp, 'incomplete.json'), JSON.stringify(offer));
  expect((await cli(['offer', 'put', 'cli-incomplete', path.join(tmp, 'incomplete.json')])).code).toBe(0);
  const r = await cli(['publish', 'cli-incomplete', '--emails', 'ops@contoso.example.com', '--watch']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error ValidationFailed: The offer is not ready to publish/);
  expect(r.stderr).toMatch(/\n {2}- definition\.offer\.microsoft-azure-marketplace\.title \[required\]: .+/);
  expect(r.stderr).toMatch(/\n {2}- definition\.offer\.microsoft-azure-marketplace\.summary \[maxLength\]: .+/);
  expect(r.stdout).toBe('');
});

test('publish --watch shows every step and stops at sign-off; golive --watch ends live; status prints the table', async () => {
  const pub = await cli([
    'publish',
    'cli-vm',
    '--emails',
    'ops@contoso.example.com,lead@contoso.example.com',
    '--watch',
  ]);
  expect(pub.stderr).toBe('');
  expect(pub.code).toBe(0);
  const lines = pub.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Publish accepted: contoso\/cli-vm version 1 \(operation [0-9a-f-]{36}\)\.$/);
  for (const name of STEP_NAMES) expect(pub.stdout).toMatch(new RegExp(`^ ?\\d\\. ${name}`, 'm'));
  expect(pub.stdout).toMatch(/^cli-vm version 1: waiting for sign-off$/m);
  expect(pub.stdout).toMatch(/^ 2\. Certification\s+\[#{20}\] 100%  complete/m);
  expect(pub.stdout).toMatch(
    /^ 3\. Provisioning\s+\[#{20}\] 100%  complete\s+The image was replicated to 2 regions: eastus, westeurope\.$/m,
  );
  expect(pub.stdout).toMatch(/^ 6\. Publisher signoff\s+\[\.{20}\]\s+0%  waiting for sign-off/m);
  expect(lines[lines.length - 1]).toMatch(
    /^Waiting for your sign-off: check the preview at \S+contoso\.cli-vm\S*, then run "offers golive cli-vm" \(or "offers cancel cli-vm"\)\.$/,
  );

  const again = await cli(['publish', 'cli-vm', '--emails', 'ops@contoso.example.com']);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^error OperationInProgress: .*waiting for your sign-off/);

  const live = await cli(['golive', 'cli-vm', '--watch']);
  expect(live.stderr).toBe('');
  expect(live.code).toBe(0);
  expect(live.stdout).toMatch(/^Go Live accepted for version 1 of cli-vm \(operation [0-9a-f-]{36}\)\.\n/);
  expect(live.stdout).toMatch(/^cli-vm version 1: live$/m);
  expect(live.stdout.trimEnd().split('\n').pop()).toMatch(/^Live: \S+contoso\.cli-vm/);

  const status = await cli(['status', 'cli-vm']);
  expect(status.code).toBe(0);
  const table = status.stdout.split('\n');
  expect(table[0]).toBe('contoso/cli-vm version 1: live');
  expect(table[2]).toMatch(/^#\s+STEP\s+STATUS\s+PROGRESS\s+TIME FRAME\s+LATEST MESSAGE$/);
  STEP_NAMES.forEach((name, i) => expect(table[4 + i]).toMatch(new RegExp(`^${i + 1}\\s+${name}\\s+complete\\s+100%`)));
  expect(status.stdout).toMatch(/^live: \S+contoso\.cli-vm/m);
  expect(status.stdout).toContain('notifications: ops@contoso.example.com,lead@contoso.example.com');

  const production = await cli(['offer', 'get', 'cli-vm', '--slot', 'production']);
  expect(production.code).toBe(0);
  expect(JSON.parse(production.stdout)).toMatchObject({ id: 'cli-vm', slot: 'production', version: 1 });
  expect(JSON.parse((await cli(['offer', 'get', 'cli-vm', '--version', '1'])).stdout)).toMatchObject({
    id: 'cli-vm',
    version: 1,
  });

  const cancel = await cli(['cancel', 'cli-vm']);
  expect(cancel.code).toBe(1);
  expect(cancel.stderr).toBe(
    'error CancelNotAllowed: The offer is already live; a live publish cannot be cancelled.\n',
  );
  expect((await cli(['golive', 'cli-vm'])).stdout).toBe('Version 1 of cli-vm is already live.\n');
});

test('upload-vhd killed midway resumes from its journal and sends less', async () => {
  const sas = await blobSas('resumed.vhd', 'rcw');
  // Dies like kill -9 once the filesystem's chunks and two more (the 3 MiB run at 10 GiB) are in the blob.
  const killed = await cli(['upload-vhd', vhd, sas], { OFFERS_CLI_TEST_ABORT_AFTER_CHUNKS: String(headChunks + 2) });
  expect(killed.code).toBe(137);
  const journal = JSON.parse(fs.readFileSync(`${vhd}.upload.json`, 'utf8')) as {
    target: string;
    completedThrough: number;
  };
  expect(journal.target).toBe(sas.split('?')[0]);
  expect(journal.completedThrough).toBeGreaterThanOrEqual((10 * GiB + 6 * MiB) / (4 * MiB) - 1);
  expect(journal.completedThrough).toBeLessThan((20 * GiB) / (4 * MiB));

  // A new SAS for the same blob still resumes: the journal keys on the blob, not the token.
  const resumed = await cli(['upload-vhd', vhd, await blobSas('resumed.vhd', 'rcw')]);
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toMatch(
    /^Resuming an interrupted upload to \S+resumed\.vhd: 10\.\d GiB \(\d+ of 7681 chunks\) already done\.$/m,
  );
  expect(resumed.stdout).toMatch(/^Resumed and finished /);
  expect(sentBytes(resumed)).toBe(32 * 512 + 512);
  expect(sentBytes(resumed)).toBeLessThan(writtenBytes());
  expect(fs.existsSync(`${vhd}.upload.json`)).toBe(false);

  expect(await pageRanges('resumed.vhd')).toEqual(written);
  expect(
    (await readBlob('resumed.vhd', 10 * GiB + 3 * MiB, 3 * MiB)).equals(readFile(10 * GiB + 3 * MiB, 3 * MiB)),
  ).toBe(true);
  expect((await readBlob('resumed.vhd', 20 * GiB, 64 * 512)).equals(readFile(20 * GiB, 64 * 512))).toBe(true);
});
