import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFixedVhdFooter } from '../../../domain/image/vhd-footer';
import { CliError } from '../../../tools/cli/context';
import {
  ContiguousTracker,
  decideResume,
  Journal,
  JOURNAL_VERSION,
  journalPathFor,
  readJournal,
  stripSas,
  UploadIdentity,
} from '../../../tools/cli/upload/journal';
import { PageBlobTarget, uploadVhd } from '../../../tools/cli/upload/uploader';
import { vhdProblem } from '../../../tools/cli/upload/vhd-file';

const ID: UploadIdentity = {
  target: 'http://127.0.0.1:10000/devstoreaccount1/vhds/os.vhd',
  fileSize: 64 * 1024 + 512,
  fileMtimeMs: 1700000000123.456,
  chunkSize: 4096,
};
const journal = (over: Partial<Journal> = {}): Journal => ({
  version: JOURNAL_VERSION,
  ...ID,
  completedThrough: 5,
  ...over,
});

describe('decideResume', () => {
  it('resumes after the last contiguous chunk when the journal describes this upload', () => {
    expect(decideResume(journal(), ID, 17)).toEqual({ resume: true, fromChunk: 6 });
    expect(decideResume(journal({ completedThrough: -1 }), ID, 17)).toEqual({ resume: true, fromChunk: 0 });
  });

  it.each([
    [{ target: 'http://127.0.0.1:10000/devstoreaccount1/vhds/other.vhd' }, /another blob/],
    [{ fileSize: 1024 }, /file size changed/],
    [{ fileMtimeMs: 1 }, /file was modified/],
    [{ chunkSize: 8192 }, /chunk size changed/],
    [{ version: 99 }, /another version/],
    [{ completedThrough: 17 }, /inconsistent/],
  ])('starts over when %j', (over, reason) => {
    const d = decideResume(journal(over), ID, 17);
    expect(d.resume).toBe(false);
    expect(!d.resume && d.reason).toMatch(reason);
  });

  it('starts over silently without a journal', () => {
    expect(decideResume(undefined, ID, 17)).toEqual({ resume: false });
  });

  it('the journal never holds the SAS signature', () => {
    expect(stripSas('https://acct.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&sp=rcw&sig=SECRET')).toBe(
      'https://acct.blob.core.windows.net/vhds/os.vhd',
    );
  });
});

describe('ContiguousTracker', () => {
  it('advances only over a gap-free prefix, whatever the completion order', () => {
    const t = new ContiguousTracker(-1);
    expect(t.complete(1)).toBe(false);
    expect(t.complete(2)).toBe(false);
    expect(t.completedThrough).toBe(-1);
    expect(t.complete(0)).toBe(true);
    expect(t.completedThrough).toBe(2);
    expect(t.complete(2)).toBe(false);
    expect(t.complete(4)).toBe(false);
    expect(t.complete(3)).toBe(true);
    expect(t.completedThrough).toBe(4);
  });
});

describe('vhdProblem', () => {
  const size = 1024 * 1024;
  it('accepts a fixed VHD whose footer matches the file', () => {
    expect(vhdProblem(size + 512, buildFixedVhdFooter(BigInt(size)))).toBeUndefined();
  });
  it('refuses what is not a whole number of pages, has no footer, is dynamic or truncated', () => {
    expect(vhdProblem(size + 100, buildFixedVhdFooter(BigInt(size)))).toMatch(/not a multiple of 512/);
    expect(vhdProblem(size + 512, Buffer.alloc(512))).toMatch(/does not end in a VHD footer/);
    const dyn = buildFixedVhdFooter(BigInt(size));
    dyn.writeUInt32BE(3, 60);
    expect(vhdProblem(size + 512, dyn)).toMatch(/dynamic, not fixed/);
    expect(vhdProblem(size / 2 + 512, buildFixedVhdFooter(BigInt(size)))).toMatch(
      /footer says the disk is 1048576 bytes but the file holds 524288/,
    );
  });
});

/** A page blob in memory that records every Put Page. */
class FakeBlob implements PageBlobTarget {
  data: Buffer | undefined;
  puts: { offset: number; length: number }[] = [];
  creates = 0;
  failAt?: number;

  async pageBlobSize() {
    return this.data?.length;
  }
  async create(size: number) {
    this.creates++;
    this.data = Buffer.alloc(size);
  }
  async uploadPages(data: Buffer, offset: number) {
    await new Promise((r) => setImmediate(r)); // complete out of order with other chunks
    if (this.failAt !== undefined && offset >= this.failAt) throw new Error('503 ServerBusy');
    data.copy(this.data!, offset);
    this.puts.push({ offset, length: data.length });
  }
  get sent() {
    return this.puts.reduce((n, p) => n + p.length, 0);
  }
}

describe('uploadVhd resume', () => {
  const CHUNK = 4096;
  const DISK = 64 * 1024; // 16 chunks + the footer's chunk
  let dir: string;
  let file: string;
  let content: Buffer;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offers-cli-upload-'));
    file = path.join(dir, 'disk.vhd');
    content = Buffer.alloc(DISK + 512);
    // Data in chunks 1, 2 (a run across their boundary), 9 and 12, then the footer (chunk 16).
    content.fill(0xab, CHUNK + 1024, 2 * CHUNK + 1024);
    content.fill(0xcd, 9 * CHUNK + 512, 9 * CHUNK + 1024);
    content.fill(0xef, 12 * CHUNK, 12 * CHUNK + 512);
    buildFixedVhdFooter(BigInt(DISK)).copy(content, DISK);
    fs.writeFileSync(file, content);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (blob: FakeBlob, extra: Partial<Parameters<typeof uploadVhd>[0]> = {}) =>
    uploadVhd({ file, target: blob, targetId: 'http://blob/vhds/disk.vhd', chunkSize: CHUNK, parallel: 3, ...extra });

  it('a fresh upload sends exactly the non-zero pages and removes its journal', async () => {
    const blob = new FakeBlob();
    const r = await run(blob);
    expect(r).toEqual({ fileSize: DISK + 512, bytesSent: 4096 + 512 + 512 + 512, resumed: false, chunksSkipped: 0 });
    expect(blob.data!.equals(content)).toBe(true);
    expect(blob.puts.sort((a, b) => a.offset - b.offset)).toEqual([
      { offset: CHUNK + 1024, length: CHUNK - 1024 },
      { offset: 2 * CHUNK, length: 1024 },
      { offset: 9 * CHUNK + 512, length: 512 },
      { offset: 12 * CHUNK, length: 512 },
      { offset: DISK, length: 512 },
    ]);
    expect(fs.existsSync(journalPathFor(file))).toBe(false);
  });

  it('after a crash, resumes from the journal: skips done chunks and sends less', async () => {
    const blob = new FakeBlob();
    // "Crash" after the second chunk with data: the journal on disk is what a kill -9 leaves.
    await expect(
      run(blob, {
        onChunkSent: (_i, n) => {
          if (n === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const j = readJournal(journalPathFor(file))!;
    expect(j).toMatchObject({ target: 'http://blob/vhds/disk.vhd', fileSize: DISK + 512, chunkSize: CHUNK });
    expect(j.completedThrough).toBeGreaterThanOrEqual(2);
    expect(j.completedThrough).toBeLessThan(9);

    const before = blob.puts.length;
    let started: unknown;
    const r = await run(blob, { onStart: (s) => (started = s) });
    expect(started).toEqual({
      resumedAt: j.completedThrough + 1,
      resumedBytes: (j.completedThrough + 1) * CHUNK,
      totalChunks: 17,
    });
    expect(r.resumed).toBe(true);
    expect(blob.creates).toBe(1); // the blob was not recreated
    expect(blob.puts.slice(before).every((p) => p.offset >= (j.completedThrough + 1) * CHUNK)).toBe(true);
    expect(r.bytesSent).toBe(512 * 3);
    expect(blob.data!.equals(content)).toBe(true);
    expect(fs.existsSync(journalPathFor(file))).toBe(false);
  });

  it('a failed Put Page keeps the journal so the next run resumes', async () => {
    const blob = new FakeBlob();
    blob.failAt = 12 * CHUNK;
    await expect(run(blob)).rejects.toThrow('503 ServerBusy');
    expect(readJournal(journalPathFor(file))!.completedThrough).toBe(11);
    blob.failAt = undefined;
    const r = await run(blob);
    expect(r).toMatchObject({ resumed: true, chunksSkipped: 12, bytesSent: 1024 });
    expect(blob.data!.equals(content)).toBe(true);
  });

  it('starts over (recreating the blob) when the file changed since the journal was written', async () => {
    const blob = new FakeBlob();
    await expect(
      run(blob, {
        onChunkSent: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow();
    content.fill(0x11, 5 * CHUNK, 5 * CHUNK + 512);
    fs.writeFileSync(file, content);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    let started: { restartReason?: string } = {};
    const r = await run(blob, { onStart: (s) => (started = s) });
    expect(started.restartReason).toBe('the file was modified');
    expect(r.resumed).toBe(false);
    expect(blob.creates).toBe(2);
    expect(blob.data!.equals(content)).toBe(true);
  });

  it('starts over when the blob is gone', async () => {
    const blob = new FakeBlob();
    await expect(
      run(blob, {
        onChunkSent: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow();
    const fresh = new FakeBlob();
    let started: { restartReason?: string } = {};
    const r = await run(fresh, { onStart: (s) => (started = s) });
    expect(started.restartReason).toBe('the blob is gone or has another size');
    expect(r.bytesSent).toBe(4096 + 512 * 3);
    expect(fresh.data!.equals(content)).toBe(true);
  });

  it('refuses a file that is not a fixed VHD before touching the blob', async () => {
    fs.writeFileSync(file, Buffer.alloc(DISK + 512));
    const blob = new FakeBlob();
    await expect(run(blob)).rejects.toThrow(CliError);
    await expect(run(blob)).rejects.toThrow(/does not end in a VHD footer/);
    expect(blob.creates).toBe(0);
  });
});
