// Uploads a fixed VHD to a page blob, sending only non-zero pages, several chunks at a time, and
// resuming after an interruption from the journal (see journal.ts).
import fs from 'node:fs';
import { FOOTER_SIZE } from '../../../domain/image/vhd-footer';
import { CliError } from '../context';
import {
  ContiguousTracker,
  decideResume,
  deleteJournal,
  Journal,
  JOURNAL_VERSION,
  journalPathFor,
  readJournal,
  UploadIdentity,
  writeJournal,
} from './journal';
import { MAX_PUT_PAGES, nonZeroRanges } from './page-scanner';
import { vhdProblem } from './vhd-file';

/** The blob operations the upload needs (an Azure page blob, or a fake in unit tests). */
export interface PageBlobTarget {
  /** The blob's size, or undefined when there is no page blob there. */
  pageBlobSize(): Promise<number | undefined>;
  /** Creates (or replaces, all zero) the page blob. */
  create(size: number): Promise<void>;
  uploadPages(data: Buffer, offset: number): Promise<void>;
}

export interface UploadProgress {
  scanned: number;
  total: number;
  sent: number;
}

export interface UploadOptions {
  file: string;
  target: PageBlobTarget;
  /** Identifies the blob in the journal: its URL without SAS. */
  targetId: string;
  chunkSize?: number;
  parallel?: number;
  onProgress?: (p: UploadProgress) => void;
  /** Told once, before any data moves: resumed from which chunk, or why a journal was ignored. */
  onStart?: (s: { resumedAt?: number; resumedBytes?: number; restartReason?: string; totalChunks: number }) => void;
  /** After each chunk that sent data is done (and journaled, if it extended the done prefix). */
  onChunkSent?: (index: number, sentChunks: number) => void;
  now?: () => number;
}

export interface UploadResult {
  fileSize: number;
  bytesSent: number;
  resumed: boolean;
  chunksSkipped: number;
}

export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** A journal write for progress made only of zero chunks happens at most this often. */
const JOURNAL_EVERY_MS = 1000;

async function readFully(fh: fs.promises.FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new CliError('the file got shorter while it was being uploaded');
    done += bytesRead;
  }
}

export async function uploadVhd(opts: UploadOptions): Promise<UploadResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const parallel = Math.max(1, opts.parallel ?? 8);
  const now = opts.now ?? Date.now;
  const journalFile = journalPathFor(opts.file);

  const fh = await fs.promises.open(opts.file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot open ${opts.file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  try {
    const st = await fh.stat();
    const size = st.size;
    const footer = Buffer.alloc(FOOTER_SIZE);
    if (size >= FOOTER_SIZE) await readFully(fh, footer, FOOTER_SIZE, size - FOOTER_SIZE);
    const problem = vhdProblem(size, footer);
    if (problem) throw new CliError(`${opts.file}: ${problem}`);

    const totalChunks = Math.ceil(size / chunkSize);
    const identity: UploadIdentity = { target: opts.targetId, fileSize: size, fileMtimeMs: st.mtimeMs, chunkSize };
    let decision = decideResume(readJournal(journalFile), identity, totalChunks);
    // The journal alone is not enough: the blob must still be there, as the page blob we created.
    if (decision.resume && (await opts.target.pageBlobSize()) !== size)
      decision = { resume: false, reason: 'the blob is gone or has another size' };
    const first = decision.resume ? decision.fromChunk : 0;
    const journal: Journal = { version: JOURNAL_VERSION, ...identity, completedThrough: first - 1 };
    if (!decision.resume) {
      await opts.target.create(size);
      writeJournal(journalFile, journal);
    }
    opts.onStart?.(
      decision.resume
        ? { resumedAt: first, resumedBytes: Math.min(size, first * chunkSize), totalChunks }
        : { restartReason: decision.reason, totalChunks },
    );

    const progress: UploadProgress = { scanned: Math.min(size, first * chunkSize), total: size, sent: 0 };
    const tracker = new ContiguousTracker(first - 1);
    let lastJournal = now();
    let sentChunks = 0;
    let failure: unknown;

    const completed = (index: number, hadData: boolean) => {
      if (!tracker.complete(index)) return;
      // Data chunks are journaled at once (that is what a resume saves); runs of zero chunks
      // only now and then (re-scanning them costs a read, not an upload).
      if (hadData || now() - lastJournal >= JOURNAL_EVERY_MS) {
        writeJournal(journalFile, { ...journal, completedThrough: tracker.completedThrough });
        lastJournal = now();
      }
    };

    // One buffer per chunk in flight plus one to read into; a zero chunk hands its buffer back at once.
    const free = Array.from({ length: parallel + 1 }, () => Buffer.allocUnsafe(chunkSize));
    const inFlight = new Set<Promise<void>>();

    for (let i = first; i < totalChunks && failure === undefined; i++) {
      while (inFlight.size >= parallel) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const buf = free.pop()!;
      const offset = i * chunkSize;
      const length = Math.min(chunkSize, size - offset);
      await readFully(fh, buf, length, offset);
      progress.scanned += length;
      const ranges = nonZeroRanges(buf, length, Math.min(chunkSize, MAX_PUT_PAGES));
      if (ranges.length === 0) {
        free.push(buf);
        completed(i, false);
        opts.onProgress?.(progress);
        continue;
      }
      const sendChunk = async () => {
        try {
          for (const r of ranges) {
            await opts.target.uploadPages(buf.subarray(r.start, r.end), offset + r.start);
            progress.sent += r.end - r.start;
            opts.onProgress?.(progress);
          }
          completed(i, true);
          opts.onChunkSent?.(i, ++sentChunks);
        } catch (e) {
          failure ??= e;
        }
      };
      // `finally` callbacks always run later, so `task` is assigned by then; racing on `task`
      // therefore resumes only once its buffer is free again.
      const task: Promise<void> = sendChunk().finally(() => {
        free.push(buf);
        inFlight.delete(task);
      });
      inFlight.add(task);
      opts.onProgress?.(progress);
    }
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (failure !== undefined) {
      // Keep what is known to be done, so running the command again resumes from there.
      writeJournal(journalFile, { ...journal, completedThrough: tracker.completedThrough });
      throw failure as Error;
    }
    deleteJournal(journalFile);
    return { fileSize: size, bytesSent: progress.sent, resumed: decision.resume, chunksSkipped: first };
  } finally {
    await fh.close();
  }
}
