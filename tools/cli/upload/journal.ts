// The resume journal of an upload, kept next to the file as `<file>.upload.json`. It records what
// the upload is (target blob, file size and mtime, chunk size) and how far it got: the highest
// chunk index such that every chunk up to it is in the blob. Chunks finish out of order (several
// are in flight), so only the contiguous prefix is trustworthy after a crash.
import fs from 'node:fs';

export const JOURNAL_VERSION = 1;

export interface UploadIdentity {
  /** The blob URL without its query (SAS): a renewed SAS for the same blob still resumes. */
  target: string;
  fileSize: number;
  fileMtimeMs: number;
  chunkSize: number;
}

export interface Journal extends UploadIdentity {
  version: number;
  /** Every chunk with index ≤ this is in the blob; -1 when none is. */
  completedThrough: number;
}

export const journalPathFor = (file: string): string => `${file}.upload.json`;

/** The target without its SAS token, for the journal and for messages (the signature is a secret). */
export function stripSas(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export function readJournal(file: string): Journal | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    return j && typeof j === 'object' ? j : undefined;
  } catch {
    // Missing or unreadable: either way there is nothing to resume from.
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a kill mid-write leaves the previous journal intact. */
export function writeJournal(file: string, j: Journal): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(j) + '\n');
  fs.renameSync(tmp, file);
}

export function deleteJournal(file: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.tmp`, { force: true });
}

export type ResumeDecision = { resume: true; fromChunk: number } | { resume: false; reason?: string };

/** Whether a journal describes this very upload; if not, why (for the message "starting over"). */
export function decideResume(j: Journal | undefined, want: UploadIdentity, totalChunks: number): ResumeDecision {
  if (!j) return { resume: false };
  if (j.version !== JOURNAL_VERSION || !Number.isInteger(j.completedThrough))
    return { resume: false, reason: 'the journal is from another version of the tool' };
  if (j.target !== want.target) return { resume: false, reason: `it was for another blob (${j.target})` };
  if (j.fileSize !== want.fileSize) return { resume: false, reason: 'the file size changed' };
  if (j.fileMtimeMs !== want.fileMtimeMs) return { resume: false, reason: 'the file was modified' };
  if (j.chunkSize !== want.chunkSize) return { resume: false, reason: 'the chunk size changed' };
  if (j.completedThrough < -1 || j.completedThrough >= totalChunks)
    return { resume: false, reason: 'the journal is inconsistent' };
  return { resume: true, fromChunk: j.completedThrough + 1 };
}

/** Tracks completions that arrive out of order and yields the contiguous prefix that is done. */
export class ContiguousTracker {
  private readonly pending = new Set<number>();

  constructor(public completedThrough: number) {}

  /** Marks `index` done; true when the contiguous prefix grew. */
  complete(index: number): boolean {
    if (index <= this.completedThrough) return false;
    this.pending.add(index);
    const before = this.completedThrough;
    while (this.pending.delete(this.completedThrough + 1)) this.completedThrough++;
    return this.completedThrough > before;
  }
}
