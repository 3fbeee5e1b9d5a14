import { checkOutboundUrl } from '../net/egress-policy';
import { EgressRefused, OutboundStreamResponse, OutboundTooLarge, outboundStream, readCapped } from '../net/outbound';

/** A random-access view of a remote blob through ranged GETs (never the whole image). */
export interface RangeSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
  stats: { requests: number; bytes: number };
}

export class SourceUnavailable extends Error {
  constructor(
    message: string,
    /** true for faults worth retrying (5xx, network) rather than a wrong URL. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

/**
 * Reads a remote image through ranged GETs with the outbound module (checked addresses, no
 * redirects, a timeout), each answer capped at the bytes asked for: a host that ignores Range and
 * answers 200 with the whole image is refused after `length` bytes, never buffered whole.
 */
export async function openHttpRangeSource(rawUrl: string, what: string): Promise<RangeSource> {
  await checkOutboundUrl(rawUrl, what);
  const stats = { requests: 0, bytes: 0 };
  const fail = (detail: string, transient: boolean) =>
    new SourceUnavailable(`Not able to download blob using provided SAS Uri (${what}): ${detail}`, transient);
  const get = async (
    start: number,
    end: number,
  ): Promise<{ body: Buffer; headers: Record<string, string | string[] | undefined> }> => {
    stats.requests++;
    let res: OutboundStreamResponse;
    try {
      res = await outboundStream(rawUrl, what, {
        headers: { Range: `bytes=${start}-${end}`, 'x-ms-version': '2021-08-06' },
        timeoutMs: TIMEOUT_MS,
      });
    } catch (e) {
      if (e instanceof EgressRefused) throw e;
      throw fail(`${(e as Error).message}`, true);
    }
    if (res.status >= 500) {
      res.body.destroy();
      throw fail(`the storage service answered ${res.status}.`, true);
    }
    if (res.status === 200) {
      res.body.destroy();
      throw fail(
        'the host ignores HTTP Range requests (it answered 200 with the whole blob). Give a blob storage SAS URL; images are read in ranges, never downloaded whole.',
        false,
      );
    }
    if (res.status !== 206) {
      res.body.destroy();
      throw fail(
        `HTTP ${res.status}. Check that the URL points at the .vhd blob and that its SAS grants read and list and has not expired.`,
        false,
      );
    }
    try {
      return { body: await readCapped(res, end - start + 1), headers: res.headers };
    } catch (e) {
      if (e instanceof OutboundTooLarge)
        throw fail(`the host answered more than the ${end - start + 1} bytes asked for.`, false);
      throw fail(`the answer broke off (${(e as Error).message}).`, true);
    }
  };
  const first = await get(0, 0);
  const range = /\/(\d+)$/.exec(String(first.headers['content-range'] ?? ''));
  const size = range ? Number(range[1]) : NaN;
  if (!Number.isFinite(size) || size <= 0)
    throw new SourceUnavailable(`${what}: the blob is empty or its size is unknown.`, false);
  return {
    size,
    stats,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset + length > size)
        throw new RangeError(`Read of ${length} bytes at ${offset} is outside the ${size}-byte blob.`);
      const { body } = await get(offset, offset + length - 1);
      stats.bytes += body.length;
      if (body.length !== length)
        throw new SourceUnavailable(`${what}: expected ${length} bytes at offset ${offset}, got ${body.length}.`, true);
      return body;
    },
  };
}
