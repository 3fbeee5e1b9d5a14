// The certify CLI end to end: on local files, over HTTP ranged GETs, and on a page blob in Azurite
// through a real SAS URL — in-process through main(), and as a real process for exit codes.
import { BlobServiceClient, ContainerSASPermissions } from '@azure/storage-blob';
import { transformFileSync } from '@swc/core';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { AzuriteHandle, startAzurite } from '@offer-go-live/devhost';
import { main } from '../../../tools/certify-cli';
import { buildImage, BuiltImage, compliantTree, GiB, tempDir } from '../../support/image-fixtures';
import { buildFixedVhdFooter } from '../../../domain/image/vhd-footer';
import { CertificationReport } from '../../../domain/image/certify';

const ROOT = path.resolve(__dirname, '../../..');
const DAY = 24 * 3600 * 1000;
const SIG = 'U0VDUkVULVNJRw%3D%3D';

let dir: string;
let good: BuiltImage;
let bad: BuiltImage;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

beforeAll(() => {
  dir = tempDir('cli-');
  good = buildImage(dir, 'good');
  bad = buildImage(dir, 'bad', { tree: { ...compliantTree(), 'etc/ssh/sshd_config': 'ClientAliveInterval 0\n' } });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('on a local file', () => {
  it('prints the table to stdout and progress to stderr; exit 0 when the image passes', async () => {
    const r = await run(good.path);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Certification of good\.vhd/);
    expect(r.out).toMatch(/PASS\s+SSH ClientAliveInterval\s+180 in \/etc\/ssh\/sshd_config/);
    expect(r.out).toMatch(/Verdict: PASS\n$/);
    expect(r.err).toMatch(/certify: reading the partition table/);
    expect(r.out).not.toMatch(/certify:/);
  });

  it('exit 1 with the failing row, what was expected and how to fix it', async () => {
    const r = await run(bad.path, '--os', 'linux');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL\s+SSH ClientAliveInterval\s+0 in \/etc\/ssh\/sshd_config\n\s+expected: 30–235 seconds \(180 recommended\)\n\s+fix: Set "ClientAliveInterval 180"/,
    );
    expect(r.out).toMatch(/Verdict: FAIL/);
  });

  it('--json prints the CertificationReport; --html writes the page', async () => {
    const html = path.join(dir, 'report.html');
    const r = await run(bad.path, '--json', '--html', html);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as CertificationReport;
    expect(report.verdict).toBe('fail');
    expect(report.disks[0].rows.find((x) => x.id === 'linux.sshClientAlive')?.result).toBe('fail');
    expect(report.disks[0].stats.reads).toBeGreaterThan(0);
    expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*SSH ClientAliveInterval/);
  });

  it('--data certifies a data disk', async () => {
    const r = await run(good.path, '--data');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Data disk partition table/);
  });

  it.each([
    [[]],
    [['--os', 'BeOS', 'x.vhd']],
    [['--bogus', 'x.vhd']],
    [['a.vhd', 'b.vhd']],
    [['--html']],
    [[path.join('/nonexistent', 'x.vhd')]],
  ])('usage errors exit 2: %j', async (argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/certify-cli: /);
    expect(r.out).toBe('');
  });

  it('--help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: certify-cli/);
  });
});

/** Serves a (sparse) file to ranged GETs, as blob storage does. */
async function rangeServer(
  file: string,
  status?: number,
): Promise<{ base: string; requests: number; close(): Promise<void> }> {
  const size = fs.statSync(file).size;
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    if (status) return void res.writeHead(status).end('AuthenticationFailed');
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) return void res.writeHead(200, { 'Content-Length': 0 }).end();
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), size - 1);
    const body = Buffer.alloc(end - start + 1);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, body, 0, body.length, start);
    fs.closeSync(fd);
    res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const sas = (extra = '') => {
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
  return `sv=2022-11-02&sr=c&sp=rl&st=${iso(Date.now() - 2 * DAY)}&se=${iso(Date.now() + 30 * DAY)}&sig=${SIG}${extra}`;
};

describe('over HTTP ranged GETs', () => {
  it('certifies the image and its SAS URL, never printing the signature', async () => {
    const srv = await rangeServer(good.path);
    try {
      const url = `${srv.base}/vhds/good.vhd?${sas()}`;
      const r = await run(url, '--dev-storage');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/PASS\s+SAS permissions are exactly read \+ list\s+sp=rl/);
      expect(r.out).toMatch(/http to 127\.0\.0\.1:\d+ \(local development storage\)/);
      expect(r.out + r.err).not.toContain(SIG);
      expect(r.out).toContain('sig=REDACTED');
      expect(srv.requests).toBeLessThan(15);
      // The same URL without --dev-storage: plain http is refused.
      const plain = await run(url);
      expect(plain.code).toBe(1);
      expect(plain.out).toMatch(/FAIL\s+SAS URL uses HTTPS/);
    } finally {
      await srv.close();
    }
  });

  it('an unreadable SAS URL is a failing row (exit 1), not a crash', async () => {
    const srv = await rangeServer(good.path, 403);
    try {
      const r = await run(`${srv.base}/vhds/good.vhd?${sas()}`, '--dev-storage', '--json');
      expect(r.code).toBe(1);
      const rows = (JSON.parse(r.out) as CertificationReport).disks[0].rows;
      expect(rows.find((x) => x.id === 'sas.download')).toMatchObject({
        result: 'fail',
        actual: expect.stringMatching(/Not able to download blob using provided SAS Uri .*HTTP 403/),
      });
      expect(r.out).not.toContain(SIG);
    } finally {
      await srv.close();
    }
  });
});

describe('on an Azurite page blob through a container SAS', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(() => azurite?.stop());

  it('passes, reading a few hundred KiB of the 30 GiB blob', async () => {
    const c = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('vhds');
    await c.createIfNotExists();
    const blob = c.getPageBlobClient('good.vhd');
    const size = 30 * GiB;
    await blob.create(size + 512);
    // Only the non-zero 64 KiB pieces are uploaded: the page blob stays sparse, like the file.
    const fd = fs.openSync(good.path, 'r');
    const chunk = Buffer.alloc(65536);
    const zero = Buffer.alloc(65536);
    for (const at of [0, ...Array.from({ length: 256 }, (_, i) => good.fsOffset + i * 65536)]) {
      fs.readSync(fd, chunk, 0, chunk.length, at);
      if (!chunk.equals(zero)) await blob.uploadPages(chunk, at, chunk.length);
    }
    fs.closeSync(fd);
    await blob.uploadPages(buildFixedVhdFooter(BigInt(size)), size, 512);
    const containerSas = await c.generateSasUrl({
      permissions: ContainerSASPermissions.parse('rl'),
      startsOn: new Date(Date.now() - 2 * DAY),
      expiresOn: new Date(Date.now() + 30 * DAY),
    });
    const [base, query] = containerSas.split('?');
    const r = await run(`${base}/good.vhd?${query}`, '--dev-storage', '--json');
    const report = JSON.parse(r.out) as CertificationReport;
    expect(report.disks[0].rows.filter((x) => x.result !== 'pass')).toEqual([]);
    expect(r.code).toBe(0);
    const { stats } = report.disks[0];
    expect(stats.reads).toBeLessThan(15);
    expect(stats.bytes).toBeLessThan(1024 * 1024);
    process.stderr.write(
      `certify over Azurite (30 GiB page blob): ${stats.reads} reads, ${stats.bytes} bytes, ${stats.ms} ms\n`,
    );
  });
});

describe('as a process', () => {
  let cli: string;
  let out: string;
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  beforeAll(() => {
    // Transpile the CLI and the domain it imports (swc, as jest does) so the real entry point runs.
    out = tempDir('cli-js-');
    const files = [
      'tools/certify-cli.ts',
      ...fs.readdirSync(path.join(ROOT, 'domain/image')).map((f) => `domain/image/${f}`),
    ];
    for (const rel of files.filter((f) => f.endsWith('.ts'))) {
      const { code } = transformFileSync(path.join(ROOT, rel), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      const dest = path.join(out, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, code);
    }
    cli = path.join(out, 'tools/certify-cli.js');
  });

  it.each([
    ['a passing image', 0, () => [good.path]],
    ['a failing image', 1, () => [bad.path]],
    ['a usage error', 2, () => ['--os']],
  ])('%s exits %d', (_, code, argv) => {
    // The transpiled files live outside the project: their npm dependencies (fzstd) come from its node_modules.
    const env = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
    const p = spawnSync(process.execPath, [cli, ...argv()], { encoding: 'utf8', timeout: 30_000, env });
    expect(p.status).toBe(code);
    if (code < 2) expect(p.stdout).toMatch(/Verdict: (PASS|FAIL)/);
    else expect(p.stderr).toMatch(/usage:/);
  });
});
