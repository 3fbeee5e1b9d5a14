/**
 * The offer's image artifacts — logos, hero logo, screenshots, video thumbnails — and what each
 * must be. As the reference says, artifacts given as URLs are downloaded into the service's own
 * storage, and later reads return the service's URLs, so a live page never hot-links a partner's
 * (possibly expiring SAS) URL. This module finds them in a document, checks downloaded bytes, and
 * rewrites the document; the downloading itself is an adapter's.
 */
import type { OfferDraft } from './document';
import { MARKETPLACE } from './fields';

const MP = MARKETPLACE;

export interface ArtifactKind {
  label: string;
  width: number;
  height: number;
}

/** Pixel sizes of the Cloud Partner Portal's marketplace images (PNG). */
export const ARTIFACT_KINDS = {
  smallLogo: { label: 'Small logo', width: 40, height: 40 },
  mediumLogo: { label: 'Medium logo', width: 90, height: 90 },
  largeLogo: { label: 'Large logo', width: 115, height: 115 },
  wideLogo: { label: 'Wide logo', width: 255, height: 115 },
  heroLogo: { label: 'Hero logo', width: 815, height: 290 },
  screenshot: { label: 'Screenshot', width: 1280, height: 720 },
  videoThumbnail: { label: 'Video thumbnail', width: 1280, height: 720 },
} as const satisfies Record<string, ArtifactKind>;
export type ArtifactKindName = keyof typeof ARTIFACT_KINDS;

/** At most this many bytes are read of one artifact. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;

export interface ArtifactRef {
  /** Document path of the field, as in warnings. */
  path: PropertyKey[];
  kind: ArtifactKindName;
  url: string;
}

/** Every artifact the offer names, with its document path. */
export function artifactRefs(doc: OfferDraft): ArtifactRef[] {
  const offer = doc.definition.offer;
  const at = (...keys: PropertyKey[]): PropertyKey[] => ['definition', 'offer', ...keys];
  const refs: ArtifactRef[] = [];
  const add = (path: PropertyKey[], kind: ArtifactKindName, url: string | undefined) => {
    if (url && url.trim() !== '') refs.push({ path, kind, url: url.trim() });
  };
  for (const kind of ['smallLogo', 'mediumLogo', 'largeLogo', 'wideLogo', 'heroLogo'] as const)
    add(at(MP + kind), kind, offer[`${MP}${kind}`]);
  (offer['microsoft-azure-marketplace.screenshots'] ?? []).forEach((url, i) =>
    add(at(`${MP}screenshots`, i), 'screenshot', url),
  );
  (offer['microsoft-azure-marketplace.videos'] ?? []).forEach((v, i) =>
    add(at(`${MP}videos`, i, 'thumbnailLink'), 'videoThumbnail', v.thumbnailLink),
  );
  return refs;
}

/** A copy of the document with each artifact URL found in `replacements` replaced. */
export function withArtifactUrls(doc: OfferDraft, replacements: ReadonlyMap<string, string>): OfferDraft {
  const copy = structuredClone(doc);
  for (const ref of artifactRefs(doc)) {
    const next = replacements.get(ref.url);
    if (next) setAt(copy, ref.path, next);
  }
  return copy;
}

function setAt(doc: unknown, path: PropertyKey[], value: string): void {
  let node = doc as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]] = value;
}

export type PngCheck = { ok: true; width: number; height: number } | { ok: false; reason: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Whether the bytes are a PNG (signature, then an IHDR chunk of 13 bytes with a valid CRC) of the
 * kind's pixel size. Only the header is read: the image is served as stored, never decoded here.
 */
export function checkPng(bytes: Uint8Array, kind: ArtifactKind, crc32: (data: Uint8Array) => number): PngCheck {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) return { ok: false, reason: 'is not a PNG image' };
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR')
    return { ok: false, reason: 'is not a valid PNG (no IHDR header)' };
  if (crc32(b.subarray(12, 29)) >>> 0 !== b.readUInt32BE(29))
    return { ok: false, reason: 'is a damaged PNG (header checksum mismatch)' };
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  if (width !== kind.width || height !== kind.height)
    return {
      ok: false,
      reason: `is ${width}×${height} px; a ${kind.label.toLowerCase()} must be ${kind.width}×${kind.height} px`,
    };
  return { ok: true, width, height };
}
