import { checkOutboundUrl } from '../net/egress-policy';

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

export async function openHttpRangeSource(rawUrl: string, what: string): Promise<RangeSource> {
  const url = await checkOutboundUrl(rawUrl, what);
  const stats = { requests: 0, bytes: 0 };
  const get = async (start: number, end: number): Promise<Response> => {
    stats.requests++;
    let res: Response;
    try {
      res = await fetch(url, { headers: { Range: `bytes=${start}-${end}`, 'x-ms-version': '2021-08-06' }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new SourceUnavailable(`Not able to download blob using provided SAS Uri (${what}): ${(e as Error).message}.`, true);
    }
    if (res.status >= 500) throw new SourceUnavailable(`Not able to download blob using provided SAS Uri (${what}): the storage service answered ${res.status}.`, true);
    if (res.status !== 206 && res.status !== 200) {
      throw new SourceUnavailable(`Not able to download blob using provided SAS Uri (${what}): HTTP ${res.status}. Check that the URL points at the .vhd blob and that its SAS grants read and list and has not expired.`, false);
    }
    return res;
  };
  const first = await get(0, 0);
  await first.arrayBuffer();
  const range = /\/(\d+)$/.exec(first.headers.get('content-range') ?? '');
  const size = range ? Number(range[1]) : Number(first.headers.get('content-length'));
  if (!Number.isFinite(size) || size <= 0) throw new SourceUnavailable(`${what}: the blob is empty or its size is unknown.`, false);
  return {
    size,
    stats,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset + length > size) throw new RangeError(`Read of ${length} bytes at ${offset} is outside the ${size}-byte blob.`);
      const res = await get(offset, offset + length - 1);
      const buf = Buffer.from(await res.arrayBuffer());
      stats.bytes += buf.length;
      if (buf.length !== length) throw new SourceUnavailable(`${what}: expected ${length} bytes at offset ${offset}, got ${buf.length}.`, true);
      return buf;
    },
  };
}
