// The kernel an image boots and its build configuration: the version from GRUB's first `linux`
// line (or a BLS entry), else the newest kernel in /boot; the config from /boot/config-<version>
// (or /lib/modules/<version>/config, where Fedora-family kernels keep it).
import { Ext4 } from './ext4';
import { listOptional, readOptional } from './linux-file-checks';

export interface BootKernel {
  version: string;
  /** Where the version was read. */
  source: string;
}

const GRUB_CFGS = ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];

/** Orders kernel release strings numerically part by part: 5.15.0-1057-azure > 5.15.0-105-azure. */
export function compareKernels(a: string, b: string): number {
  const pa = a.split(/[.\-+_~]/);
  const pb = b.split(/[.\-+_~]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return Math.sign(nx - ny);
    } else if (!Number.isNaN(nx) || !Number.isNaN(ny)) {
      // A number outranks a suffix: 957.21.3 is a later build than 957.el7.
      return Number.isNaN(nx) ? -1 : 1;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const VMLINUZ = /\bvmlinuz-(\S+)/;

export async function bootKernel(fs: Ext4): Promise<BootKernel | undefined> {
  for (const cfg of GRUB_CFGS) {
    const text = await readOptional(fs, cfg);
    const line = text?.split('\n').find((l) => /^\s*linux(?:16|efi)?\s/.test(l));
    const m = line && VMLINUZ.exec(line);
    if (m) return { version: m[1], source: cfg };
  }
  for (const entry of (await listOptional(fs, '/boot/loader/entries')).filter((n) => n.endsWith('.conf'))) {
    const m = VMLINUZ.exec((await readOptional(fs, `/boot/loader/entries/${entry}`)) ?? '');
    if (m) return { version: m[1], source: `/boot/loader/entries/${entry}` };
  }
  const boot = (await listOptional(fs, '/boot'))
    .map((n) => /^(?:vmlinuz|config)-(.+)$/.exec(n)?.[1])
    .filter((v): v is string => v !== undefined && !v.endsWith('.old'))
    .sort(compareKernels);
  if (boot.length) return { version: boot[boot.length - 1], source: '/boot' };
  for (const dir of ['/lib/modules', '/usr/lib/modules']) {
    const mods = (await listOptional(fs, dir)).sort(compareKernels);
    if (mods.length) return { version: mods[mods.length - 1], source: dir };
  }
  return undefined;
}

export type ConfigValue = 'y' | 'm' | 'n';

/** `CONFIG_X=y|m` lines; `# CONFIG_X is not set` and anything else count as absent. */
export function parseKernelConfig(text: string): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_[A-Z0-9_]+)=([ym])\s*$/.exec(line);
    if (m) out.set(m[1], m[2] as ConfigValue);
  }
  return out;
}

export async function kernelConfig(
  fs: Ext4,
  version: string,
): Promise<{ config: Map<string, ConfigValue>; path: string } | undefined> {
  for (const path of [
    `/boot/config-${version}`,
    `/lib/modules/${version}/config`,
    `/usr/lib/modules/${version}/config`,
  ]) {
    const text = await readOptional(fs, path);
    if (text !== undefined) return { config: parseKernelConfig(text), path };
  }
  return undefined;
}

export const initramfsPaths = (version: string): string[] => [
  `/boot/initrd.img-${version}`,
  `/boot/initramfs-${version}.img`,
  `/boot/initrd-${version}`,
];
