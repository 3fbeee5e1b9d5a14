// The VHD footer: the last 512 bytes of a VHD (Microsoft's Virtual Hard Disk Image Format
// Specification). Parsed from bytes only; every field is checked before it is trusted.

export const FOOTER_SIZE = 512;
export const DISK_TYPES: Record<number, string> = { 2: 'fixed', 3: 'dynamic', 4: 'differencing' };

export interface VhdFooter {
  cookie: string;
  fileFormatVersion: number;
  dataOffset: bigint;
  creatorApplication: string;
  originalSize: bigint;
  currentSize: bigint;
  diskType: number;
  checksum: number;
  computedChecksum: number;
}

export function parseVhdFooter(buf: Uint8Array): VhdFooter {
  if (buf.length < FOOTER_SIZE) throw new RangeError(`A VHD footer is ${FOOTER_SIZE} bytes; got ${buf.length}.`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, FOOTER_SIZE);
  let sum = 0;
  for (let i = 0; i < FOOTER_SIZE; i++) if (i < 64 || i >= 68) sum = (sum + b[i]) >>> 0;
  return {
    cookie: b.toString('latin1', 0, 8),
    fileFormatVersion: b.readUInt32BE(12),
    dataOffset: b.readBigUInt64BE(16),
    creatorApplication: b.toString('latin1', 28, 32).replace(/[^\x20-\x7e]/g, '?'),
    originalSize: b.readBigUInt64BE(40),
    currentSize: b.readBigUInt64BE(48),
    diskType: b.readUInt32BE(60),
    checksum: b.readUInt32BE(64),
    computedChecksum: ~sum >>> 0,
  };
}

/** A fixed-disk footer for `size` bytes (used by tests and fixture builders). */
export function buildFixedVhdFooter(size: bigint): Buffer {
  const b = Buffer.alloc(FOOTER_SIZE);
  b.write('conectix', 0, 'latin1');
  b.writeUInt32BE(2, 8); // features: reserved bit
  b.writeUInt32BE(0x00010000, 12);
  b.writeBigUInt64BE(0xffffffffffffffffn, 16);
  b.write('ogl ', 28, 'latin1');
  b.writeUInt32BE(0x00010000, 32);
  b.write('Wi2k', 36, 'latin1');
  b.writeBigUInt64BE(size, 40);
  b.writeBigUInt64BE(size, 48);
  b.writeUInt32BE(2, 60);
  let sum = 0;
  for (let i = 0; i < FOOTER_SIZE; i++) sum = (sum + b[i]) >>> 0;
  b.writeUInt32BE(~sum >>> 0, 64);
  return b;
}
