import { ArtifactRefused } from '../adapters/artifacts/download-artifact';
import { ARTIFACT_KINDS, ArtifactKindName, artifactRefs, withArtifactUrls } from '../domain/offer/artifacts';
import { formatPath, parseOfferDraft } from '../domain/offer/document';
import { PublishRef, StageOutcome } from '../domain/publishing/stages';
import { snapshot, Stores } from './_shared/context';

export interface IngestArtifactsDeps extends Pick<Stores, 'offers'> {
  isOwnArtifactUrl: (url: string) => boolean;
  /** Throws ArtifactRefused for a refused download; anything else is transient. */
  downloadArtifact: (url: string, kind: ArtifactKindName) => Promise<Buffer>;
  storeArtifact: (publisherId: string, offerId: string, png: Buffer) => Promise<string>;
}

/**
 * Step 1b: the offer's images (logos, hero logo, screenshots, video thumbnails) are downloaded into
 * the service's storage and the snapshot is rewritten to the service's URLs, so the listing never
 * hot-links a partner's expiring SAS URL. A refused download (private address, not a PNG, wrong
 * pixel size, too large, HTTP 4xx) fails the step naming the field; a host that is down is retried.
 * Content-addressed storage makes a re-run after a crash harmless.
 */
export function makeIngestArtifacts(d: IngestArtifactsDeps) {
  return async function ingestArtifacts(ref: PublishRef): Promise<StageOutcome> {
    const doc = await snapshot(d.offers, ref);
    const refs = artifactRefs(doc).filter((r) => !d.isOwnArtifactUrl(r.url));
    if (refs.length === 0) return { ok: true, messages: [] };

    const stored = new Map<string, string>();
    const problems: string[] = [];
    for (const r of refs) {
      if (stored.has(r.url)) continue;
      try {
        stored.set(r.url, await d.storeArtifact(ref.publisherId, ref.offerId, await d.downloadArtifact(r.url, r.kind)));
      } catch (e) {
        if (!(e instanceof ArtifactRefused)) throw e; // transient: the activity retry runs
        problems.push(`${formatPath(r.path)}: the ${ARTIFACT_KINDS[r.kind].label.toLowerCase()} ${e.message}.`);
      }
    }
    if (problems.length) return { ok: false, messages: problems.map((text) => ({ level: 'error', text })) };

    await d.offers.rewriteVersion(ref.publisherId, ref.offerId, ref.version, withArtifactUrls(doc, stored));
    await rewriteDraft(d, ref, stored);
    return {
      ok: true,
      messages: [
        {
          level: 'information',
          text: `${stored.size} image${stored.size === 1 ? ' was' : 's were'} copied into the marketplace's storage.`,
        },
      ],
    };
  };
}

/**
 * Later reads of the draft return the service's URLs too, where the draft still names the same
 * partner URL. A partner saving at the same moment wins: the next publish ingests again.
 */
async function rewriteDraft(d: Pick<Stores, 'offers'>, ref: PublishRef, stored: ReadonlyMap<string, string>) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const draft = await d.offers.get(ref.publisherId, ref.offerId);
    if (!draft) return;
    const parsed = parseOfferDraft(draft.document);
    if (!parsed.ok) return;
    const next = withArtifactUrls(parsed.value, stored);
    if (JSON.stringify(next) === JSON.stringify(parsed.value)) return;
    if (await d.offers.updateDraftIf(draft, next)) return;
  }
}
