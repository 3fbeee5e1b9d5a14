import { createHash } from 'node:crypto';
import { AnonymousCredential, BlobClient, ContainerClient, PageBlobClient } from '@azure/storage-blob';

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
  return /AccountName=devstoreaccount1/i.test(env.AzureWebJobsStorage ?? '') ? 'page-ranges' : 'server';
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Copies `sourceUrl` (a SAS URL) to `target` unless an identical copy (same size and source ETag)
 * is already there, so a re-run after a crash copies nothing twice.
 */
export async function copyImage(sourceUrl: string, container: ContainerClient, name: string, mode: CopyMode): Promise<CopyResult> {
  const target = container.getBlobClient(name);
  const source = new BlobClient(sourceUrl);
  const props = await source.getProperties();
  const size = props.contentLength ?? 0;
  const sourceEtag = String(props.etag).replace(/"/g, '');
  const existing = await target.getProperties().catch(() => undefined);
  if (existing && existing.contentLength === size && existing.metadata?.sourceetag === sourceEtag && existing.metadata?.complete === 'true') {
    return { bytes: size, bytesThroughApp: 0, skipped: true, sha256: existing.metadata?.sha256 };
  }
  if (mode === 'server' || props.blobType !== 'PageBlob') {
    const poller = await target.beginCopyFromURL(sourceUrl, { metadata: { sourceetag: sourceEtag, complete: 'true' } });
    await poller.pollUntilDone();
    const copy = await target.getProperties();
    if (copy.copyStatus && copy.copyStatus !== 'success') throw new Error(`copy ended ${copy.copyStatus}: ${copy.copyStatusDescription ?? ''}`);
    if (copy.contentLength !== size) throw new Error(`the copy has ${copy.contentLength} bytes, the source ${size}`);
    return { bytes: size, bytesThroughApp: 0, skipped: false };
  }
  const src = new PageBlobClient(sourceUrl, new AnonymousCredential());
  const dst = container.getPageBlobClient(name);
  await dst.create(size, { metadata: { sourceetag: sourceEtag, complete: 'false' } });
  const ranges = (await src.getPageRanges()).pageRange ?? [];
  const hash = createHash('sha256');
  let moved = 0;
  for (const r of ranges) {
    const [start, count] = span(r);
    for (let off = start; off < start + count; off += CHUNK) {
      const n = Math.min(CHUNK, start + count - off);
      const buf = await src.downloadToBuffer(off, n);
      hash.update(buf);
      await dst.uploadPages(buf, off, n);
      moved += n * 2;
    }
  }
  const sha256 = hash.digest('hex');
  // Verify: the copy's written pages hash the same as the source's.
  const check = createHash('sha256');
  for (const r of (await dst.getPageRanges()).pageRange ?? []) {
    const [start, count] = span(r);
    for (let off = start; off < start + count; off += CHUNK) check.update(await dst.downloadToBuffer(off, Math.min(CHUNK, start + count - off)));
  }
  const copied = check.digest('hex');
  if (copied !== sha256) throw new Error('the copy does not match the source (content hash differs)');
  await dst.setMetadata({ sourceetag: sourceEtag, complete: 'true', sha256 });
  return { bytes: size, bytesThroughApp: moved, skipped: false, sha256 };
}

/** The SDK reports a page range as {offset, count: end - offset} with an inclusive end: the length is count + 1. */
function span(r: { offset?: number; count?: number }): [number, number] {
  return [r.offset ?? 0, (r.count ?? 0) + 1];
}
