import { BlobClient } from '@azure/storage-blob';
import { RangeSource, SourceUnavailable } from './http-range-source';

/** Ranged reads of a blob in the app's own storage account (reached with the app's identity). */
export async function openBlobRangeSource(blob: BlobClient): Promise<RangeSource> {
  const stats = { requests: 1, bytes: 0 };
  const props = await blob.getProperties().catch((e: { statusCode?: number; message: string }) => {
    throw new SourceUnavailable(`The blob cannot be read: ${e.message.split('\n')[0]}`, (e.statusCode ?? 500) >= 500);
  });
  const size = props.contentLength ?? 0;
  return {
    size,
    stats,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset + length > size)
        throw new RangeError(`Read of ${length} bytes at ${offset} is outside the ${size}-byte blob.`);
      stats.requests++;
      const buf = await blob.downloadToBuffer(offset, length);
      stats.bytes += buf.length;
      return buf;
    },
  };
}
