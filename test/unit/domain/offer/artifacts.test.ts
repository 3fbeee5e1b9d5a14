// Offer images: found in a document by path, rewritten to stored URLs, and checked as PNGs of the
// marketplace's pixel sizes from their header alone, whatever bytes a hostile server sends.
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { ARTIFACT_KINDS, artifactRefs, checkPng, withArtifactUrls } from '../../../../domain/offer/artifacts';
import { formatPath } from '../../../../domain/offer/document';
import { sampleOffer } from '../../../../domain/offer/sample-offer';
import { png } from '../../../support/png-server';

const M = 'microsoft-azure-marketplace.';

describe('artifactRefs / withArtifactUrls', () => {
  test('every logo, the hero logo, each screenshot and each video thumbnail, by path', () => {
    const doc = sampleOffer();
    Object.assign(doc.definition.offer, {
      [`${M}heroLogo`]: 'https://x.example/hero.png',
      [`${M}screenshots`]: ['https://x.example/s1.png', 'https://x.example/s2.png'],
      [`${M}videos`]: [
        { videoName: 'v', videoLink: 'https://youtu.be/x', thumbnailLink: 'https://x.example/t.png' },
        { videoName: 'no thumb', videoLink: 'https://youtu.be/y' },
      ],
    });
    const refs = artifactRefs(doc);
    expect(refs.map((r) => `${formatPath(r.path)}=${r.kind}`)).toEqual([
      `definition.offer.${M}smallLogo=smallLogo`,
      `definition.offer.${M}mediumLogo=mediumLogo`,
      `definition.offer.${M}largeLogo=largeLogo`,
      `definition.offer.${M}wideLogo=wideLogo`,
      `definition.offer.${M}heroLogo=heroLogo`,
      `definition.offer.${M}screenshots[0]=screenshot`,
      `definition.offer.${M}screenshots[1]=screenshot`,
      `definition.offer.${M}videos[0].thumbnailLink=videoThumbnail`,
    ]);
    const rewritten = withArtifactUrls(
      doc,
      new Map([
        ['https://x.example/s2.png', 'https://ours/s2.png'],
        ['https://x.example/t.png', 'https://ours/t.png'],
      ]),
    );
    expect(rewritten.definition.offer[`${M}screenshots`]).toEqual(['https://x.example/s1.png', 'https://ours/s2.png']);
    expect(rewritten.definition.offer[`${M}videos`]![0].thumbnailLink).toBe('https://ours/t.png');
    expect(doc.definition.offer[`${M}screenshots`]).toEqual(['https://x.example/s1.png', 'https://x.example/s2.png']); // the input is left alone
  });
});

describe('checkPng', () => {
  const logo = ARTIFACT_KINDS.smallLogo;

  test('a PNG of the right size passes; the wrong size is named in pixels', () => {
    expect(checkPng(png(40, 40), logo, crc32)).toEqual({ ok: true, width: 40, height: 40 });
    expect(checkPng(png(41, 40), logo, crc32)).toEqual({
      ok: false,
      reason: 'is 41×40 px; a small logo must be 40×40 px',
    });
    expect(checkPng(png(1280, 720), ARTIFACT_KINDS.screenshot, crc32).ok).toBe(true);
  });

  test('not a PNG, a truncated one, or a forged header is refused', () => {
    expect(checkPng(Buffer.from('GIF89a....................................'), logo, crc32)).toEqual({
      ok: false,
      reason: 'is not a PNG image',
    });
    expect(checkPng(png(40, 40).subarray(0, 20), logo, crc32).ok).toBe(false);
    const forged = Buffer.from(png(4000, 4000));
    forged.writeUInt32BE(40, 16); // claims 40 wide without fixing the checksum
    forged.writeUInt32BE(40, 20);
    expect(checkPng(forged, logo, crc32)).toEqual({ ok: false, reason: 'is a damaged PNG (header checksum mismatch)' });
  });

  test('any bytes at all: an answer, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (bytes, withSignature) => {
        const input = withSignature ? Buffer.concat([png(1, 1).subarray(0, 8), bytes]) : Buffer.from(bytes);
        const r = checkPng(input, logo, crc32);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
