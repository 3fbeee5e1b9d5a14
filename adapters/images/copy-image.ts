import { createHash } from 'node:crypto';
import { AnonymousCredential, BlobClient, ContainerClient, PageBlobClient } from '@azure/storage-blob';
import { outboundStorageHttpClient } from '../net/outbound-http-client';
import { storageSettings } from '../settings/storage-settings';

export type CopyMode = 'server' | 'page-ranges';

export interface CopyResult {
  bytes: number;
  /** Bytes that passed through this process (0 for a server-side copy). */
  bytesThroughApp: number;
  skipped: boolean;
  sha256?: string;
}

/**
 * How images are replicated: `server` (Copy Blob: the storage service moves the bytes; what Azure
 * does best) or `page-ranges` (only the written pages of a sparse page blob are read and written —
 * for storage emulators whose Copy Blob materialises every byte of a 30 GiB disk). Set with
 * PROVISION_COPY_MODE; by default the development storage account gets `page-ranges`.
 */
export function copyMode(env: NodeJS.ProcessEnv = process.env): CopyMode {
  const v = env.PROVISION_COPY_MODE;
  if (v === 'server' || v === 'page-ranges') return v;
  return /AccountName=devstoreaccount1/i.test(storageSettings(env).connectionString ?? '') ? 'page-ranges' : 'server';
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Copies `sourceUrl` (a SAS URL) to `target` unless an identical copy (same size and source ETag)
 * is already there, so a re-run after a crash copies nothing twice.
 */
export async function copyImage(
  sourceUrl: string,
  container: ContainerClient,
  name: string,
  mode: CopyMode,
): Promise<CopyResult> {
  const target = container.getBlobClient(name);
  // The source is the partner's SAS URL: every request to it goes through the outbound module.
  const source = new BlobClient(sourceUrl, new AnonymousCredential(), {
    httpClient: outboundStorageHttpClient('The image'),
  });
  const props = await source.getProperties();
  const size = props.contentLength ?? 0;
  const sourceEtag = String(props.etag).replace(/"/g, '');
  const existing = await target.getProperties().catch(() => undefined);
  if (
    existing &&
    existing.contentLength === size &&
    existing.metadata?.sourceetag === sourceEtag &&
    existing.metadata?.complete === 'true'
  ) {
    return { bytes: size, bytesThroughApp: 0, skipped: true, sha256: existing.metadata?.sha256 };
  }
  if (mode === 'server' || props.blobType !== 'PageBlob') {
    const poller = await target.beginCopyFromURL(sourceUrl, { metadata: { sourceetag: sourceEtag, complete: 'true' } });
    await poller.pollUntilDone();
    const copy = await target.getProperties();
    if (copy.copyStatus && copy.copyStatus !== 'success')
      throw new Error(`copy ended ${copy.copyStatus}: ${copy.copyStatusDescription ?? ''}`);
    if (copy.contentLength !== size) throw new Error(`the copy has ${copy.contentLength} bytes, the source ${size}`);
    return { bytes: size, bytesThroughApp: 0, skipped: false };
  }
  const src = new PageBlobClient(sourceUrl, new AnonymousCredential(), {
    httpClient: outboundStorageHttpClient('The image'),
  });
  const dst = container.getPageBlobClient(name);
  await dst.create(size, { metadata: { sourceetag: sourceEtag, complete: 'false' } });
  const written = merged((await src.getPageRanges()).pageRange ?? []);
  const layout = spans(written);
  let moved = 0;
  // Each span is one ranged read and one Put Page. The short zero gaps inside a span are written
  // too: the copy's written ranges cover the source's, and it reads back byte for byte the same.
  const sha256 = await hashInOrder(layout, async (span) => {
    const buf = await src.downloadToBuffer(span.start, span.end - span.start);
    await dst.uploadPages(buf, span.start, buf.length);
    moved += 2 * buf.length; // read, then written
    return buf;
  });
  // Verify: every written source range is written in the copy, and the spans hash the same.
  const copiedRanges = merged((await dst.getPageRanges()).pageRange ?? []);
  const missing = uncovered(written, copiedRanges);
  if (missing) throw new Error(`the copy lacks the source's pages at bytes ${missing[0]}–${missing[1]}`);
  const copied = await hashInOrder(layout, (span) => dst.downloadToBuffer(span.start, span.end - span.start));
  if (copied !== sha256) throw new Error('the copy does not match the source (content hash differs)');
  await dst.setMetadata({ sourceetag: sourceEtag, complete: 'true', sha256 });
  return { bytes: size, bytesThroughApp: moved, skipped: false, sha256 };
}

/** Written byte ranges [start, end), sorted, with touching neighbours joined (services may split a run). */
function merged(ranges: { offset?: number; count?: number }[]): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, length] of ranges.map(offsetAndLength).sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], start + length);
    else out.push([start, start + length]);
  }
  return out;
}

/** The first range of `inner` not inside one range of `outer` (both sorted and merged), if any. */
function uncovered(inner: [number, number][], outer: [number, number][]): [number, number] | undefined {
  let j = 0;
  for (const [a, b] of inner) {
    while (j < outer.length && outer[j][1] <= a) j++;
    if (j === outer.length || outer[j][0] > a || outer[j][1] < b) return [a, b];
  }
  return undefined;
}

// A sparse disk's written pages come in many small runs a few KiB apart (a filesystem's metadata):
// runs closer than this are copied together, trading a little zero padding for far fewer requests.
const MAX_GAP = 256 * 1024;
// Spans read and written at once; each holds at most CHUNK bytes in memory.
const WINDOW = 4;

/** A [start, end) byte range read and written as one piece: at most CHUNK, a Put Page's limit. */
interface Span {
  start: number;
  end: number;
}

function spans(written: [number, number][]): Span[] {
  const out: Span[] = [];
  for (const [start, end] of written) {
    for (let a = start; a < end; a += CHUNK) {
      const b = Math.min(end, a + CHUNK);
      const last = out[out.length - 1];
      if (last && a - last.end <= MAX_GAP && b - last.start <= CHUNK) last.end = b;
      else out.push({ start: a, end: b });
    }
  }
  return out;
}

/** Runs `task` on up to WINDOW spans at a time and hashes what each returns, in span order. */
async function hashInOrder(layout: Span[], task: (s: Span) => Promise<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  const pending: Promise<Buffer>[] = [];
  let next = 0;
  const launch = () => {
    while (next < layout.length && pending.length < WINDOW) {
      const p = task(layout[next++]);
      // Awaited in order below; until then a rejection must not count as unhandled (it would end the process).
      p.catch(() => undefined);
      pending.push(p);
    }
  };
  launch();
  try {
    while (pending.length) {
      hash.update(await pending[0]);
      void pending.shift();
      launch();
    }
  } finally {
    // A failed span must not leave the others' rejections unobserved.
    await Promise.allSettled(pending);
  }
  return hash.digest('hex');
}

/** The SDK reports a page range as {offset, count: end - offset} with an inclusive end: the length is count + 1. */
function offsetAndLength(r: { offset?: number; count?: number }): [number, number] {
  return [r.offset ?? 0, (r.count ?? 0) + 1];
}
