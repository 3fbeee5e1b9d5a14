// Boot-path pieces for certification fixtures: cpio newc archives and initramfs images (an early
// uncompressed archive, then a gzip main one, as dracut and initramfs-tools write them), PE headers
// of .EFI boot loaders, and FAT EFI system partitions built with dosfstools and mtools.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { compliantTree, elfHeader, ImageSpec, Tree, writeTree } from './image-fixtures';

export interface CpioFile {
  name: string;
  data?: Buffer | string;
  mode?: number;
}

const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

/** A newc archive (magic 070701) of these files, ending with its TRAILER!!! entry. */
export function cpioNewc(files: CpioFile[]): Buffer {
  const parts: Buffer[] = [];
  const add = (name: string, data: Buffer, mode: number, ino: number) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'latin1');
    parts.push(header, nameBytes, pad4(header.length + nameBytes.length), data, pad4(data.length));
  };
  files.forEach((f, i) => add(f.name, Buffer.from(f.data ?? ''), f.mode ?? 0o100644, i + 1));
  add('TRAILER!!!', Buffer.alloc(0), 0, 0);
  return Buffer.concat(parts);
}

/** Module paths as an initramfs carries them, for kernel `version`. */
export const hvModules = (
  version: string,
  names = ['hv_vmbus', 'hv_storvsc', 'hv_netvsc'],
  ext = '.ko.zst',
): CpioFile[] =>
  names.map((n) => ({
    name: `usr/lib/modules/${version}/kernel/drivers/${n === 'hv_vmbus' ? 'hv' : n === 'hv_netvsc' ? 'net/hyperv' : 'scsi'}/${n}${ext}`,
    data: Buffer.alloc(3000, n),
  }));

/** Filler that a real initramfs has before the modules (busybox, libraries, scripts). */
export const fillerFiles = (count: number): CpioFile[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `usr/bin/tool${i}`,
    data: Buffer.alloc(2000 + (i % 7) * 333, i % 251),
  }));

export interface InitramfsSpec {
  early?: CpioFile[];
  main: CpioFile[];
  /** 'zstd' is real (the zstd command); 'lzo' only writes the magic: this checker cannot decompress it, which is what that case tests. */
  compression?: 'gzip' | 'none' | 'zstd' | 'lzo';
}

export function initramfs(spec: InitramfsSpec): Buffer {
  const early = spec.early ? [cpioNewc(spec.early), Buffer.alloc(512)] : [];
  const main = cpioNewc(spec.main);
  const body =
    spec.compression === 'none'
      ? main
      : spec.compression === 'zstd'
        ? execFileSync('zstd', ['-q', '-c', '-3'], { input: main, maxBuffer: 1 << 30 })
        : spec.compression === 'lzo'
          ? Buffer.concat([Buffer.from('894c5a', 'hex'), zlib.deflateRawSync(main)])
          : zlib.gzipSync(main);
  return Buffer.concat([...early, body]);
}

/** A minimal PE/COFF image header: "MZ", the PE offset at 0x3C, "PE\0\0", the machine. */
export function peImage(machine: 'x64' | 'Arm64' | 'x86'): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE({ x64: 0x8664, Arm64: 0xaa64, x86: 0x14c }[machine], 0x84);
  return b;
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `${cmd} is not installed: apt-get install -y ${cmd.startsWith('mkfs') ? 'dosfstools' : 'mtools'}`,
      );
    throw e;
  }
}

export interface FatSpec {
  tree: Tree;
  bits?: 12 | 16 | 32;
  sizeMiB?: number;
}

/** A FAT filesystem image holding `tree` (mkfs.fat, then mmd/mcopy, no mount). */
export function buildFat(dir: string, name: string, spec: FatSpec): Buffer {
  const bits = spec.bits ?? 32;
  const sizeMiB = spec.sizeMiB ?? (bits === 32 ? 36 : bits === 16 ? 16 : 2);
  const file = path.join(dir, `${name}.fat`);
  fs.rmSync(file, { force: true });
  // One 512-byte sector per cluster, so a small FAT32 still has the 65,525 clusters FAT32 needs.
  run('mkfs.fat', ['-F', String(bits), '-s', '1', '-S', '512', '-n', 'ESP', '-C', file, String(sizeMiB * 1024)]);
  const src = path.join(dir, `${name}.fat.tree`);
  writeTree(src, spec.tree);
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        run('mmd', ['-i', file, `::/${r}`]);
        walk(r);
      } else run('mcopy', ['-i', file, path.join(src, r), `::/${r}`]);
    }
  };
  walk('');
  fs.rmSync(src, { recursive: true, force: true });
  return fs.readFileSync(file);
}

export const GPT_GUID = {
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  biosBoot: '21686148-6449-6E6F-744E-656564454649',
  linuxData: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  rootX64: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709',
  rootArm64: 'B921B045-1DF0-41C3-AF44-4C6F280D3FAE',
  swap: '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F',
};

/** The ESP an Ubuntu image installs: the removable-media fallback, and shim + GRUB under EFI/ubuntu. */
export function espTree(arch: 'x64' | 'Arm64'): Tree {
  const a = arch === 'x64' ? 'x64' : 'aa64';
  return {
    [`EFI/BOOT/BOOT${a.toUpperCase()}.EFI`]: peImage(arch),
    [`EFI/ubuntu/shim${a}.efi`]: peImage(arch),
    [`EFI/ubuntu/grub${a}.efi`]: peImage(arch),
    'EFI/ubuntu/grub.cfg':
      "search.fs_uuid 0b6b0b4e root\nset prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n",
  };
}

export interface UefiSpec {
  arch?: 'x64' | 'Arm64';
  /** The root filesystem's tree (default: the compliant tree, with Arm64 binaries for Arm64). */
  tree?: Tree;
  esp?: Tree;
  fatBits?: 12 | 16 | 32;
  rootType?: string;
}

/** A Generation 2 (or Arm64) disk: GPT, a FAT ESP at 1 MiB, the ext4 root after it. */
export function uefiImage(spec: UefiSpec = {}): ImageSpec {
  const arch = spec.arch ?? 'x64';
  const bits = spec.fatBits ?? 32;
  const espSectors = (bits === 32 ? 36 : bits === 16 ? 16 : 2) * 2048;
  const tree = spec.tree ?? (arch === 'x64' ? compliantTree() : arm64Tree());
  return {
    label: 'gpt',
    tree,
    partitions: [
      { start: 2048, sectors: espSectors, type: GPT_GUID.esp },
      {
        start: 2048 + espSectors,
        sectors: 16 * 2048,
        type: spec.rootType ?? (arch === 'x64' ? GPT_GUID.rootX64 : GPT_GUID.rootArm64),
      },
    ],
    fsIn: 1,
    esp: { tree: spec.esp ?? espTree(arch), bits, partition: 0 },
  };
}

/** The compliant tree built for Arm64: aarch64 binaries (ELF machine 183). */
export function arm64Tree(): Tree {
  const t = compliantTree();
  for (const bin of ['usr/bin/dash', 'usr/bin/bash', 'usr/sbin/sshd']) t[bin] = elfHeader(2, 183);
  t['var/lib/dpkg/status'] = (t['var/lib/dpkg/status'] as string).replace(/amd64/g, 'arm64');
  return t;
}
