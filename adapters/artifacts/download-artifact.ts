// Fetches one offer image for ingestion: an inline `data:image/png;base64,` URL, or a URL the
// outbound guard allows, read with a timeout, no redirects and a byte cap.
import { crc32 } from 'node:zlib';
import { ARTIFACT_KINDS, ArtifactKindName, checkPng, MAX_ARTIFACT_BYTES } from '../../domain/offer/artifacts';
import { EgressRefused, OutboundStreamResponse, OutboundTooLarge, outboundStream, readCapped } from '../net/outbound';

const TIMEOUT_MS = 15_000;

/** A download that failed for a reason the partner must fix (named in the step message). */
export class ArtifactRefused extends Error {}
/** A fault worth retrying (the host answered 5xx, a timeout, a network error). */
export class ArtifactUnavailable extends Error {}

async function fetchBytes(url: string, label: string): Promise<Buffer> {
  const inline = /^data:image\/png;base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
  if (inline) {
    if (inline[1].length > (MAX_ARTIFACT_BYTES * 4) / 3 + 4)
      throw new ArtifactRefused(`is over ${MAX_ARTIFACT_BYTES} bytes`);
    return Buffer.from(inline[1], 'base64');
  }
  if (/^data:/i.test(url)) throw new ArtifactRefused('is a data: URL that is not a base64 PNG');
  let res: OutboundStreamResponse;
  try {
    res = await outboundStream(url, label, { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    if (e instanceof EgressRefused) throw new ArtifactRefused(e.message.replace(`${label} `, ''));
    throw new ArtifactUnavailable((e as Error).message.replace(`${label} `, '').replace(/^: /, ''));
  }
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    res.body.destroy();
    throw new ArtifactUnavailable(`could not be downloaded: the host answered HTTP ${res.status}`);
  }
  if (res.status !== 200) {
    res.body.destroy();
    const hint =
      res.status >= 300 && res.status < 400
        ? ' (a redirect; give the final URL)'
        : res.status === 403
          ? ' (check that its SAS has not expired)'
          : '';
    throw new ArtifactRefused(`could not be downloaded: HTTP ${res.status}${hint}`);
  }
  try {
    return await readCapped(res, MAX_ARTIFACT_BYTES);
  } catch (e) {
    if (e instanceof OutboundTooLarge) throw new ArtifactRefused(e.message);
    throw new ArtifactUnavailable(`could not be downloaded completely (${(e as Error).message})`);
  }
}

/** The artifact's bytes, checked to be a PNG of its kind's size; throws ArtifactRefused/ArtifactUnavailable. */
export async function downloadArtifact(url: string, kind: ArtifactKindName): Promise<Buffer> {
  const spec = ARTIFACT_KINDS[kind];
  const bytes = await fetchBytes(url, spec.label);
  return checkArtifactBytes(bytes, kind);
}

export function checkArtifactBytes(bytes: Buffer, kind: ArtifactKindName): Buffer {
  if (bytes.length > MAX_ARTIFACT_BYTES) throw new ArtifactRefused(`is over ${MAX_ARTIFACT_BYTES} bytes`);
  const check = checkPng(bytes, ARTIFACT_KINDS[kind], crc32);
  if (!check.ok) throw new ArtifactRefused(check.reason);
  return bytes;
}
