// Blob input and output bindings (`input.storageBlob`, `output.storageBlob`, or generic `blob`).
// Input: the content as text, or as bytes with `dataType: 'binary'` (the host reads a stream into the
// binding's data type, string unless set: WorkerFunctionInvoker.BindInputsAsync and
// FunctionBinding.ConvertStreamToValue in Azure/azure-functions-host); a blob that does not exist is no
// value at all (the library then gives `undefined`). Output: the blob is written whole, its container
// created when missing, an existing blob replaced.
import { BlobServiceClient } from '@azure/storage-blob';
import { RpcTypedData } from '../core/types';
import { blobContent } from './output-values';

export interface BlobRef {
  container: string;
  blob: string;
}

/** `container/name…` after binding: validated as the Storage extension's BlobPath.ParseAndValidate does. */
export function parseBlobPath(path: string): BlobRef {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const blob = slash < 0 ? '' : path.slice(slash + 1);
  if (!container || !blob)
    throw new Error(
      `Invalid blob path specified : '${path}'. Blob identifiers must be in the format 'container/blob'.`,
    );
  if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(container) && container !== '$root' && container !== '$web')
    throw new Error(
      `Invalid container name: '${container}' (from blob path '${path}'): 3-63 lower-case letters, digits and single hyphens.`,
    );
  return { container, blob };
}

export async function readBlob(
  service: BlobServiceClient,
  ref: BlobRef,
  dataType: 'string' | 'binary',
): Promise<RpcTypedData | undefined> {
  let content: Buffer;
  try {
    content = await service.getContainerClient(ref.container).getBlobClient(ref.blob).downloadToBuffer();
  } catch (e) {
    // No blob (or no container): the binding has no value, as with the host.
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
  return dataType === 'binary' ? { bytes: new Uint8Array(content) } : { string: content.toString('utf8') };
}

export async function writeBlob(service: BlobServiceClient, ref: BlobRef, value: unknown): Promise<void> {
  const container = service.getContainerClient(ref.container);
  const content = blobContent(value);
  const upload = () => container.getBlockBlobClient(ref.blob).uploadData(content);
  try {
    await upload();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    await container.createIfNotExists();
    await upload();
  }
}
