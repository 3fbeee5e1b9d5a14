// A zstd decoder as a stream Transform, over fzstd (pure JavaScript). Ubuntu and Fedora compress
// their initramfs with zstd by default, so without it the Hyper-V check could not read them.
import { Transform, TransformCallback } from 'node:stream';
import { Decompress } from 'fzstd';

export function createZstdDecoder(): Transform {
  const out: Buffer[] = [];
  const decoder = new Decompress((data) => {
    out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  const flush = (t: Transform) => {
    for (const b of out.splice(0)) t.push(b);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        decoder.push(chunk);
        flush(this);
        done();
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    },
    final(done: (e?: Error | null) => void) {
      try {
        decoder.push(new Uint8Array(0), true);
        flush(this);
        done();
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    },
  });
}
