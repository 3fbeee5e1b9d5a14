// The page blob behind a SAS URL, as the uploader's PageBlobTarget.
import { AnonymousCredential, PageBlobClient, RestError } from '@azure/storage-blob';
import type { PageBlobTarget } from './uploader';

export function azurePageBlob(sasUrl: string): PageBlobTarget {
  // The SDK retries throttling and transient faults itself (exponential, 4 tries by default).
  const blob = new PageBlobClient(sasUrl, new AnonymousCredential());
  return {
    async pageBlobSize() {
      try {
        const p = await blob.getProperties();
        return p.blobType === 'PageBlob' ? p.contentLength : undefined;
      } catch (e) {
        if (e instanceof RestError && e.statusCode === 404) return undefined;
        throw e;
      }
    },
    async create(size) {
      await blob.create(size);
    },
    async uploadPages(data, offset) {
      await blob.uploadPages(data, offset, data.length);
    },
  };
}
