// The service's own copies of offer images, content-addressed: `marketplace-artifacts/
// {publisherId}/{offerId}/{sha256}.png`, served at /api/marketplace/artifacts/… (functions/artifacts.ts).
// The same bytes always get the same name, so storing again after a crash or a second publish is a no-op.
import { createHash } from 'node:crypto';
import { publicBaseUrl } from '../settings/public-url';
import { blobService, isNotFound } from '../storage/connection';

export const ARTIFACT_CONTAINER = 'marketplace-artifacts';
export const ARTIFACT_ROUTE = 'api/marketplace/artifacts';

/** Blob names this store writes: nothing a partner types reaches a blob name unchecked. */
export const ARTIFACT_NAME = /^[a-z0-9-]{1,50}\/[a-z0-9-]{1,50}\/[0-9a-f]{64}\.png$/;

export function artifactUrl(name: string): string {
  return `${publicBaseUrl()}/${ARTIFACT_ROUTE}/${name}`;
}

/** Whether a URL already is one of ours (nothing to download). */
export function isOwnArtifactUrl(url: string): boolean {
  const prefix = `${publicBaseUrl()}/${ARTIFACT_ROUTE}/`;
  return url.startsWith(prefix) && ARTIFACT_NAME.test(url.slice(prefix.length));
}

let containerReady: Promise<unknown> | undefined;
function container() {
  const c = blobService().getContainerClient(ARTIFACT_CONTAINER);
  containerReady ??= c.createIfNotExists().catch((e) => {
    containerReady = undefined;
    throw e;
  });
  return containerReady.then(() => c);
}

/** Stores a checked PNG and answers its public URL. */
export async function storeArtifact(publisherId: string, offerId: string, png: Buffer): Promise<string> {
  const name = `${publisherId}/${offerId}/${createHash('sha256').update(png).digest('hex')}.png`;
  if (!ARTIFACT_NAME.test(name)) throw new Error(`Refusing artifact name ${name}.`);
  const blob = (await container()).getBlockBlobClient(name);
  await blob.uploadData(png, {
    blobHTTPHeaders: { blobContentType: 'image/png', blobCacheControl: 'public, max-age=31536000, immutable' },
  });
  return artifactUrl(name);
}

export async function readArtifact(name: string): Promise<Buffer | undefined> {
  if (!ARTIFACT_NAME.test(name)) return undefined;
  try {
    return await (await container()).getBlockBlobClient(name).downloadToBuffer();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
