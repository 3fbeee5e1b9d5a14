/** Thrown when an answer is longer than the caller accepts. */
export class BodyTooLarge extends Error {}

/**
 * Reads a response body as it arrives and stops past `maxBytes` (a declared Content-Length over the
 * limit is refused before reading), so a hostile server cannot make the process buffer gigabytes.
 */
export async function readBounded(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(`is ${declared} bytes; at most ${maxBytes} are accepted`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(`is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
