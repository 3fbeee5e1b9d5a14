// Builds VHD page blobs in Azurite for certification and provisioning tests: a fixed-VHD footer
// at the end of an otherwise sparse page blob, so a 30 GiB disk stores one page.
import { BlobSASPermissions, BlobServiceClient } from '@azure/storage-blob';
import { buildFixedVhdFooter, FOOTER_SIZE } from '../../domain/image/vhd-footer';

export const GiB = 1024 ** 3;

export interface VhdOptions {
  /** Virtual size in bytes (default 30 GiB). */
  size?: number;
  /** Overrides applied to the footer bytes after it is built (offset → bytes). */
  patch?: (footer: Buffer) => void;
  /** Extra bytes written at offset 0 (e.g. an MBR). */
  head?: Buffer;
}

export async function uploadVhd(connectionString: string, container: string, name: string, opts: VhdOptions = {}): Promise<string> {
  const size = opts.size ?? 30 * GiB;
  const svc = BlobServiceClient.fromConnectionString(connectionString);
  const c = svc.getContainerClient(container);
  await c.createIfNotExists();
  const blob = c.getPageBlobClient(name);
  await blob.create(size + FOOTER_SIZE);
  if (opts.head) {
    const padded = Buffer.alloc(Math.ceil(opts.head.length / 512) * 512);
    opts.head.copy(padded);
    await blob.uploadPages(padded, 0, padded.length);
  }
  const footer = buildFixedVhdFooter(BigInt(size));
  opts.patch?.(footer);
  await blob.uploadPages(footer, size, FOOTER_SIZE);
  return sasUrl(blob.url, connectionString, container, name);
}

export function sasUrl(_url: string, connectionString: string, container: string, name: string): Promise<string> {
  const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).getBlobClient(name);
  const day = 24 * 3600 * 1000;
  return blob.generateSasUrl({ permissions: BlobSASPermissions.parse('r'), startsOn: new Date(Date.now() - 2 * day), expiresOn: new Date(Date.now() + 30 * day) });
}

/** Marks a footer as a dynamic disk (type 3) and fixes up its checksum. */
export function asDynamic(footer: Buffer): void {
  footer.writeUInt32BE(3, 60);
  fixChecksum(footer);
}

export function fixChecksum(footer: Buffer): void {
  footer.writeUInt32BE(0, 64);
  let sum = 0;
  for (let i = 0; i < FOOTER_SIZE; i++) sum = (sum + footer[i]) >>> 0;
  footer.writeUInt32BE(~sum >>> 0, 64);
}
