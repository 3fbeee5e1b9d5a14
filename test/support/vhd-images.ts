// Builds VHD page blobs in Azurite for certification, provisioning and pipeline tests: a real
// compliant Linux disk (MBR + ext4 built from a folder tree + fixed-VHD footer) by default, uploaded
// sparsely — only its written pages — so a 30 GiB disk stores a few MiB.
import fs from 'node:fs';
import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
  BlobServiceClient,
} from '@azure/storage-blob';
import { FOOTER_SIZE } from '../../domain/image/vhd-footer';
import { buildImage, ImageSpec, tempDir } from './image-fixtures';

export const GiB = 1024 ** 3;

export interface VhdOptions {
  /** The disk to build (default: the compliant Linux image). */
  image?: ImageSpec;
  /** Edits the footer after it is built (e.g. asDynamic). */
  patch?: (footer: Buffer) => void;
  /** Extra bytes written at offset 0 instead of the partition table (benchmarks). */
  head?: Buffer;
}

const built = new Map<string, string>();

function imageFile(opts: VhdOptions): string {
  const key = JSON.stringify({ image: opts.image ?? null, patch: opts.patch?.toString() ?? null });
  let file = built.get(key);
  if (!file) {
    file = buildImage(tempDir('vhd-'), `disk${built.size}`, { ...opts.image, patchFooter: opts.patch }).path;
    built.set(key, file);
  }
  return file;
}

/** Uploads the disk's non-zero 512-byte pages to a page blob and returns a container SAS URL (sp=rl). */
export async function uploadVhd(
  connectionString: string,
  container: string,
  name: string,
  opts: VhdOptions = {},
): Promise<string> {
  const file = imageFile(opts);
  const size = fs.statSync(file).size;
  const c = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await c.createIfNotExists();
  const blob = c.getPageBlobClient(name);
  await blob.create(size);
  const fd = fs.openSync(file, 'r');
  try {
    // The first 64 MiB hold the partition table and the filesystems; the last MiB a GPT's backup
    // header and entries; the footer sits at the end.
    const head = Math.min(64 * 1024 * 1024, size - FOOTER_SIZE);
    const tailStart = Math.max(head, size - FOOTER_SIZE - 1024 * 1024);
    for (const [start, length] of [
      [0, head],
      [tailStart, size - FOOTER_SIZE - tailStart],
      [size - FOOTER_SIZE, FOOTER_SIZE],
    ]) {
      if (length === 0) continue;
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, start);
      if (opts.head && start === 0) opts.head.copy(buf);
      await uploadNonZero(blob, buf, start);
    }
  } finally {
    fs.closeSync(fd);
  }
  return sasUrl(connectionString, container, name);
}

async function uploadNonZero(
  blob: ReturnType<import('@azure/storage-blob').ContainerClient['getPageBlobClient']>,
  buf: Buffer,
  base: number,
): Promise<void> {
  const page = 512;
  let runStart = -1;
  const flush = async (end: number) => {
    if (runStart >= 0) await blob.uploadPages(buf.subarray(runStart, end), base + runStart, end - runStart);
    runStart = -1;
  };
  for (let at = 0; at < buf.length; at += page) {
    const zero = buf.subarray(at, at + page).every((b) => b === 0);
    if (!zero && runStart < 0) runStart = at;
    if ((zero || at - runStart >= 4 * 1024 * 1024 - page) && runStart >= 0) await flush(zero ? at : at + page);
  }
  await flush(buf.length);
}

/** A SAS URL for one blob as the marketplace asks for it: container SAS, read+list, st a day back, se weeks ahead. */
export function sasUrl(connectionString: string, container: string, name: string, perms = 'rl'): string {
  const account = /AccountName=([^;]+)/.exec(connectionString)![1];
  const key = /AccountKey=([^;]+)/.exec(connectionString)![1];
  const blob = BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(container)
    .getBlobClient(name);
  const day = 24 * 3600 * 1000;
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse(perms),
      startsOn: new Date(Date.now() - 2 * day),
      expiresOn: new Date(Date.now() + 30 * day),
    },
    new StorageSharedKeyCredential(account, key),
  ).toString();
  return `${blob.url}?${sas}`;
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
