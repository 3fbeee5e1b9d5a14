// Builds disk images for certification tests at test time, from folder trees: mkfs.ext4 -d fills
// a small filesystem without mounting anything, sfdisk writes the MBR, and the result is placed
// at 1 MiB inside a sparse 30 GiB file with a fixed-VHD footer, so a compliant-size disk costs a
// few MiB of real disk. Needs e2fsprogs (mkfs.ext4, debugfs) and fdisk (sfdisk).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteSource } from '../../domain/image/byte-source';
import { buildFixedVhdFooter, FOOTER_SIZE } from '../../domain/image/vhd-footer';
import { buildFat, FatSpec } from './boot-fixtures';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A file's content, a symlink, an empty directory, or content with a mode. */
export type TreeNode =
  string | Buffer | { symlink: string } | { dir: true } | { content: string | Buffer; mode: number };
export type Tree = Record<string, TreeNode>;

export interface PartitionSpec {
  start: number;
  sectors: number;
  type: string;
  bootable?: boolean;
}

export interface ImageSpec {
  tree?: Tree;
  /** Virtual disk size (default 30 GiB). */
  diskSize?: number;
  /** Size of the ext4 filesystem (default 16 MiB). */
  fsMiB?: number;
  /** Extra mkfs arguments, e.g. ['-O', '^64bit'] or ['-t', 'ext2', '-b', '1024']. */
  mkfs?: string[];
  /** debugfs -w commands run on the filesystem before it is placed (hard links, inode fields…). */
  debugfs?: string[];
  /** Edits the filesystem image bytes before it is placed (fsPath still holds the unpatched image, for debugfs look-ups). */
  patchFs?: (fsImage: Buffer, fsPath: string) => void;
  /** sfdisk label (default dos). */
  label?: 'dos' | 'gpt';
  /** Partitions for sfdisk (default: one bootable Linux partition at 1 MiB holding the filesystem). */
  partitions?: PartitionSpec[];
  /** Which partition (0-based) receives the filesystem (default 0); null = none. */
  fsIn?: number | null;
  /** Place the filesystem at this byte offset instead (e.g. 0: a filesystem on the bare disk). */
  fsAt?: number;
  /** A FAT EFI system partition written into partitions[partition] (test/support/boot-fixtures.ts). */
  esp?: FatSpec & { partition: number };
  /** Raw bytes to place at an absolute disk offset after everything else (e.g. a hand-made MBR). */
  raw?: { offset: number; data: Buffer }[];
  /** Edits the footer before it is written. */
  patchFooter?: (footer: Buffer) => void;
  /** Cut the finished file to this many bytes (a truncated upload). */
  truncateTo?: number;
}

export interface BuiltImage {
  path: string;
  /** Bytes of the file, footer included. */
  size: number;
  /** Where the filesystem starts on the disk (-1: no filesystem). */
  fsOffset: number;
  /** The filesystem image on its own (for debugfs and byte surgery); '' when none. */
  fsPath: string;
}

export function tempDir(prefix = 'img-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An ELF header for a tiny "binary": class 2 = 64-bit, machine 62 = x86-64. */
export function elfHeader(elfClass: 1 | 2 = 2, machine = 62): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = elfClass;
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(machine, 18);
  return b;
}

/** The kernel the compliant image's GRUB boots. */
export const KERNEL = '5.15.0-1057-azure';

/** Installed packages of the compliant image (name → version), as dpkg records them. */
export const DEFAULT_PACKAGES: Record<string, string> = {
  'base-files': '12ubuntu4.6',
  libc6: '2.35-0ubuntu3.6',
  libssl3: '3.0.2-0ubuntu1.15',
  openssl: '3.0.2-0ubuntu1.15',
  'python3-minimal': '3.10.6-1~22.04',
  'python3.10': '3.10.12-1~22.04.3',
  [`linux-image-${KERNEL}`]: '5.15.0-1057.65',
};

/** /var/lib/dpkg/status with these packages installed (a long description each, as real ones have). */
export function dpkgStatus(packages: Record<string, string>, status = 'install ok installed'): string {
  return Object.entries(packages)
    .map(
      ([name, version]) =>
        `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name}\n ${'A line of description. '.repeat(8)}\n .\n More.\n`,
    )
    .join('\n');
}

/** A kernel config with the three Hyper-V drivers built in ('y'), as modules ('m'), or one left out. */
export function kernelConfigText(hv: 'y' | 'm', without?: string): string {
  const lines = ['# Linux/x86 5.15.0 Kernel Configuration', 'CONFIG_64BIT=y'];
  for (const c of ['CONFIG_HYPERV', 'CONFIG_HYPERV_STORAGE', 'CONFIG_HYPERV_NET'])
    lines.push(c === without ? `# ${c} is not set` : `${c}=${hv}`);
  return lines.join('\n') + '\n';
}

/** What a compliant Azure Linux image contains, as far as certification looks. */
export function compliantTree(): Tree {
  return {
    'usr/lib/os-release':
      'NAME="Ubuntu"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\nVERSION_ID="22.04"\n',
    'etc/os-release': { symlink: '../usr/lib/os-release' },
    'etc/waagent.conf':
      '# Azure Linux Agent configuration\nProvisioning.Agent=auto\nProvisioning.DeleteRootPassword=y\nResourceDisk.Format=y\nResourceDisk.Filesystem=ext4\nResourceDisk.EnableSwap=y\nResourceDisk.SwapSizeMB=2048\nAutoUpdate.Enabled=y\n',
    'var/lib/dpkg/status': dpkgStatus(DEFAULT_PACKAGES),
    [`boot/vmlinuz-${KERNEL}`]: 'kernel image\n',
    [`boot/config-${KERNEL}`]: kernelConfigText('y'),
    'usr/sbin/waagent': '#!/usr/bin/python3\nimport azurelinuxagent.agent as agent\nagent.main()\n',
    'usr/lib/python3/dist-packages/azurelinuxagent/common/version.py':
      "AGENT_NAME = 'WALinuxAgent'\nAGENT_VERSION = '2.9.1.1'\n",
    'etc/ssh/sshd_config':
      'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nClientAliveInterval 180\n',
    'etc/ssh/sshd_config.d/50-cloudimg.conf': 'PasswordAuthentication no\n',
    'etc/default/grub':
      'GRUB_DEFAULT=0\nGRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX_DEFAULT=""\nGRUB_CMDLINE_LINUX="console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"\n',
    'boot/grub/grub.cfg':
      "menuentry 'Ubuntu' {\n\tlinux\t/boot/vmlinuz-5.15.0-1057-azure root=UUID=0b6b0b4e ro console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300\n\tinitrd\t/boot/initrd.img-5.15.0-1057-azure\n}\n",
    'etc/shadow': {
      content: 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n',
      mode: 0o640,
    },
    'etc/fstab': 'UUID=0b6b0b4e / ext4 defaults,discard 0 1\n',
    'root/.bashrc': '# ~/.bashrc\n',
    'home/alice/.bash_history': 'ls\nexit\n',
    'home/alice/.profile': '# profile\n',
    'usr/bin/dash': elfHeader(),
    'usr/bin/bash': elfHeader(),
    'usr/bin/sh': { symlink: 'dash' },
    bin: { symlink: 'usr/bin' },
    'usr/sbin/sshd': elfHeader(),
    tmp: { dir: true },
  };
}

export function writeTree(root: string, tree: Tree): void {
  fs.mkdirSync(root, { recursive: true });
  for (const [rel, node] of Object.entries(tree)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof node === 'string' || Buffer.isBuffer(node)) fs.writeFileSync(p, node);
    else if ('symlink' in node) fs.symlinkSync(node.symlink, p);
    else if ('dir' in node) fs.mkdirSync(p, { recursive: true });
    else {
      fs.writeFileSync(p, node.content);
      fs.chmodSync(p, node.mode);
    }
  }
}

const PACKAGES: Record<string, string> = {
  sfdisk: 'fdisk',
  'mkfs.ext4': 'e2fsprogs',
  debugfs: 'e2fsprogs',
  dumpe2fs: 'e2fsprogs',
};

function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${cmd} is not installed: apt-get install -y ${PACKAGES[cmd] ?? cmd}`);
    throw e;
  }
}

/** An ext4 filesystem image file built from a tree (no mount, no root needed). */
export function buildFs(
  dir: string,
  name: string,
  spec: Pick<ImageSpec, 'tree' | 'fsMiB' | 'mkfs' | 'debugfs' | 'patchFs'>,
): string {
  const treeDir = path.join(dir, `${name}.tree`);
  writeTree(treeDir, spec.tree ?? compliantTree());
  const fsPath = path.join(dir, `${name}.ext4`);
  const mkfs = spec.mkfs ?? [];
  const blockSize = mkfs.includes('-b') ? [] : ['-b', '4096'];
  run('mkfs.ext4', [
    '-F',
    '-q',
    ...blockSize,
    '-L',
    'rootfs',
    '-E',
    'root_owner=0:0',
    ...mkfs,
    '-d',
    treeDir,
    fsPath,
    `${spec.fsMiB ?? 16}M`,
  ]);
  for (const cmd of spec.debugfs ?? []) run('debugfs', ['-w', '-R', cmd, fsPath]);
  if (spec.patchFs) {
    const img = fs.readFileSync(fsPath);
    spec.patchFs(img, fsPath);
    fs.writeFileSync(fsPath, img);
  }
  fs.rmSync(treeDir, { recursive: true, force: true });
  return fsPath;
}

/** Copies the non-zero 64 KiB chunks of `data` into the file at `offset`, keeping it sparse. */
function writeSparse(fd: number, data: Buffer, offset: number): void {
  const chunk = 64 * 1024;
  const zero = Buffer.alloc(chunk);
  for (let at = 0; at < data.length; at += chunk) {
    const piece = data.subarray(at, Math.min(at + chunk, data.length));
    if (!piece.equals(zero.subarray(0, piece.length))) fs.writeSync(fd, piece, 0, piece.length, offset + at);
  }
}

/** A complete sparse VHD: partition table, filesystem, footer. */
export function buildImage(dir: string, name: string, spec: ImageSpec = {}): BuiltImage {
  const diskSize = spec.diskSize ?? 30 * GiB;
  const fsMiB = spec.fsMiB ?? 16;
  const partitions = spec.partitions ?? [{ start: 2048, sectors: fsMiB * 2048, type: '83', bootable: true }];
  const fsIn = spec.fsIn === undefined ? 0 : spec.fsIn;
  const fsOffset = spec.fsAt ?? (fsIn === null ? -1 : partitions[fsIn].start * 512);
  const fsPath = fsOffset >= 0 ? buildFs(dir, name, spec) : '';
  const file = path.join(dir, `${name}.vhd`);
  fs.writeFileSync(file, '');
  fs.truncateSync(file, diskSize);
  if (partitions.length) {
    if (hasSfdisk()) {
      const lines = [`label: ${spec.label ?? 'dos'}`, ...(spec.label === 'gpt' ? [] : ['label-id: 0x4f474c31'])];
      for (const p of partitions)
        lines.push(`start=${p.start}, size=${p.sectors}, type=${p.type}${p.bootable ? ', bootable' : ''}`);
      run('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', file], lines.join('\n') + '\n');
    } else {
      // Without sfdisk (package fdisk), write the same table by hand so `npm test` needs nothing extra.
      writePartitionTable(file, spec.label ?? 'dos', partitions, diskSize);
    }
  }
  const fd = fs.openSync(file, 'r+');
  try {
    if (fsOffset >= 0) writeSparse(fd, fs.readFileSync(fsPath), fsOffset);
    if (spec.esp) writeSparse(fd, buildFat(dir, `${name}-esp`, spec.esp), partitions[spec.esp.partition].start * 512);
    for (const r of spec.raw ?? []) fs.writeSync(fd, r.data, 0, r.data.length, r.offset);
    const footer = buildFixedVhdFooter(BigInt(diskSize));
    spec.patchFooter?.(footer);
    fs.writeSync(fd, footer, 0, FOOTER_SIZE, diskSize);
  } finally {
    fs.closeSync(fd);
  }
  if (spec.truncateTo !== undefined) fs.truncateSync(file, spec.truncateTo);
  return { path: file, size: fs.statSync(file).size, fsOffset, fsPath };
}

/** A hand-made MBR sector (for tables sfdisk refuses to write: overlapping, out of range). */
export function mbr(entries: { type: number; start: number; sectors: number; bootable?: boolean }[]): Buffer {
  const b = Buffer.alloc(512);
  entries.forEach((e, i) => {
    const o = 446 + i * 16;
    b[o] = e.bootable ? 0x80 : 0;
    b[o + 4] = e.type;
    b.writeUInt32LE(e.start, o + 8);
    b.writeUInt32LE(e.sectors, o + 12);
  });
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

/** A Windows-looking disk: an NTFS partition at 1 MiB whose boot sector says "NTFS    ". */
export function ntfsBootSector(): Buffer {
  const b = Buffer.alloc(512);
  b.set([0xeb, 0x52, 0x90], 0);
  b.write('NTFS    ', 3, 'latin1');
  b.writeUInt16LE(512, 11);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

/** Where debugfs says an inode lives: byte offset inside the filesystem image. */
export function inodeOffset(fsPath: string, spec: string): number {
  const out = run('debugfs', ['-R', `imap ${spec}`, fsPath]);
  const m = /located at block (\d+), offset 0x([0-9a-f]+)/.exec(out);
  if (!m) throw new Error(`debugfs imap ${spec}: ${out}`);
  return Number(m[1]) * blockSizeOf(fsPath) + parseInt(m[2], 16);
}

/** The first data block of a file or directory, from debugfs. */
export function firstDataBlock(fsPath: string, spec: string): number {
  const out = run('debugfs', ['-R', `blocks ${spec}`, fsPath]);
  const n = Number(out.trim().split(/\s+/)[0]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`debugfs blocks ${spec}: ${out}`);
  return n;
}

export function blockSizeOf(fsPath: string): number {
  const m = /Block size:\s+(\d+)/.exec(run('dumpe2fs', ['-h', fsPath]));
  return Number(m![1]);
}

export function debugfs(fsPath: string, cmd: string): string {
  return run('debugfs', ['-R', cmd, fsPath]);
}

/** A read-only ranged view of a local file, counting requests like a blob would. */
export async function openFile(file: string): Promise<ByteSource & { close(): Promise<void>; requests: number }> {
  const fh = await fs.promises.open(file, 'r');
  const size = (await fh.stat()).size;
  const src = {
    size,
    requests: 0,
    async read(offset: number, length: number): Promise<Buffer> {
      src.requests++;
      const buf = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`Unexpected end of ${file} at ${offset + done}.`);
        done += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
  return src;
}

/**
 * A disk held in memory as a few pieces over zeros (for property tests: thousands of runs without
 * touching the file system).
 */
export function sparseSource(size: number, pieces: { offset: number; data: Buffer }[]): ByteSource {
  return {
    size,
    async read(offset, length) {
      const out = Buffer.alloc(length);
      for (const p of pieces) {
        const from = Math.max(offset, p.offset);
        const to = Math.min(offset + length, p.offset + p.data.length);
        if (from < to) p.data.copy(out, from - offset, from - p.offset, to - p.offset);
      }
      return out;
    },
  };
}

let sfdiskFound: boolean | undefined;
function hasSfdisk(): boolean {
  if (sfdiskFound === undefined) {
    try {
      execFileSync('sfdisk', ['--version'], { stdio: 'ignore' });
      sfdiskFound = true;
    } catch {
      sfdiskFound = false;
    }
  }
  return sfdiskFound;
}

/** An MBR, or a protective MBR plus a GPT header, equivalent to what sfdisk writes for these tests. */
function writePartitionTable(file: string, label: 'dos' | 'gpt', partitions: PartitionSpec[], diskSize: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    if (label === 'dos') {
      const typeOf = (p: PartitionSpec) => parseInt(p.type, 16);
      const extIndex = partitions.findIndex((p) => [0x05, 0x0f, 0x85].includes(typeOf(p)));
      const primaries = extIndex < 0 ? partitions : partitions.slice(0, extIndex + 1);
      const sector = mbr(
        primaries.map((p) => ({ type: typeOf(p), start: p.start, sectors: p.sectors, bootable: p.bootable })),
      );
      sector.writeUInt32LE(0x4f474c31, 440);
      fs.writeSync(fd, sector, 0, 512, 0);
      if (extIndex >= 0) {
        // Logical partitions: a chain of EBRs, each holding one partition (relative to the EBR)
        // and a link to the next EBR (relative to the extended partition's start).
        const ext = partitions[extIndex];
        const logical = partitions.slice(extIndex + 1);
        const ebrs = logical.map((l, i) =>
          i === 0 ? ext.start : Math.max(logical[i - 1].start + logical[i - 1].sectors, l.start - 2048),
        );
        logical.forEach((l, i) => {
          const entries = [{ type: typeOf(l), start: l.start - ebrs[i], sectors: l.sectors }];
          if (i + 1 < logical.length)
            entries.push({
              type: 0x05,
              start: ebrs[i + 1] - ext.start,
              sectors: logical[i + 1].start + logical[i + 1].sectors - ebrs[i + 1],
            });
          fs.writeSync(fd, mbr(entries), 0, 512, ebrs[i] * 512);
        });
      }
      return;
    }
    const sectors = Math.floor(diskSize / 512);
    fs.writeSync(fd, mbr([{ type: 0xee, start: 1, sectors: Math.min(sectors - 1, 0xffffffff) }]), 0, 512, 0);
    const header = Buffer.alloc(512);
    header.write('EFI PART', 0, 'latin1');
    header.writeUInt32LE(0x00010000, 8);
    header.writeUInt32LE(92, 12);
    header.writeBigUInt64LE(1n, 24);
    header.writeBigUInt64LE(BigInt(sectors - 1), 32);
    header.writeBigUInt64LE(34n, 40);
    header.writeBigUInt64LE(BigInt(sectors - 34), 48);
    header.writeBigUInt64LE(2n, 72);
    header.writeUInt32LE(128, 80);
    header.writeUInt32LE(128, 84);
    fs.writeSync(fd, header, 0, 512, 512);
  } finally {
    fs.closeSync(fd);
  }
}
