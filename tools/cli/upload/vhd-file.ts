// What makes a local file uploadable as an Azure page blob disk: a fixed VHD, i.e. the raw disk
// followed by a 512-byte footer with the "conectix" cookie, its size a multiple of the page size.
import { DISK_TYPES, FOOTER_SIZE, parseVhdFooter } from '../../../domain/image/vhd-footer';
import { PAGE_SIZE } from './page-scanner';

/** The problem with the file, or undefined when it is a fixed VHD of consistent size. */
export function vhdProblem(fileSize: number, footer: Buffer): string | undefined {
  if (fileSize < FOOTER_SIZE * 2) return `the file is ${fileSize} bytes: too small to be a VHD`;
  if (fileSize % PAGE_SIZE !== 0)
    return `the file is ${fileSize} bytes, not a multiple of ${PAGE_SIZE}: page blobs hold whole 512-byte pages (is it a VHD?)`;
  const f = parseVhdFooter(footer);
  if (f.cookie !== 'conectix')
    return 'the file does not end in a VHD footer ("conectix" cookie); convert it: qemu-img convert -O vpc -o subformat=fixed,force_size=on disk.img disk.vhd';
  if (f.diskType !== 2)
    return `the VHD is ${DISK_TYPES[f.diskType] ?? `of type ${f.diskType}`}, not fixed; convert it: qemu-img convert -O vpc -o subformat=fixed,force_size=on in.vhd out.vhd`;
  if (f.currentSize !== BigInt(fileSize - FOOTER_SIZE))
    return `the footer says the disk is ${f.currentSize} bytes but the file holds ${fileSize - FOOTER_SIZE} before the footer (truncated or not a fixed VHD)`;
  return undefined;
}
