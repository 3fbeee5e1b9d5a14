// Hyper-V readiness: Azure VMs boot from VMBus storage, so the kernel needs hv_vmbus, hv_storvsc and
// hv_netvsc either built in (=y) or as modules (=m) that its initramfs carries — otherwise the
// root disk is never found and the VM hangs at boot, before any agent can report it.
import { BudgetExceeded } from './block-source';
import { Ext4 } from './ext4';
import { CheckRow } from './footer-checks';
import { DEFAULT_INITRAMFS_LIMITS, InitramfsLimits, scanInitramfs, unreadReason } from './initramfs';
import { bootKernel, initramfsPaths, kernelConfig } from './kernel';

export const HYPERV_DRIVERS = [
  { module: 'hv_vmbus', config: 'CONFIG_HYPERV' },
  { module: 'hv_storvsc', config: 'CONFIG_HYPERV_STORAGE' },
  { module: 'hv_netvsc', config: 'CONFIG_HYPERV_NET' },
] as const;

/** A chunked read of a whole file, so a 40 MiB initramfs never sits in memory at once. */
export async function* fileChunks(
  fs: Ext4,
  path: string,
  maxBytes: number,
  chunk = 1024 * 1024,
): AsyncGenerator<Buffer> {
  const size = (await fs.stat(path)).size;
  if (size > maxBytes) throw new InitramfsTooLarge(path, size, maxBytes);
  for (let at = 0; at < size; at += chunk) yield await fs.readRange(path, at, Math.min(chunk, size - at));
}

export class InitramfsTooLarge extends Error {
  constructor(path: string, size: number, max: number) {
    super(`${path} is ${size} bytes, more than the ${max}-byte limit for reading an initramfs`);
  }
}

const MODULE_NAME = /\/(hv_vmbus|hv_storvsc|hv_netvsc)\.ko(?:\.(?:xz|zst|gz))?$/;

export interface HypervOptions {
  /** Largest initramfs read, compressed. */
  maxInitramfsBytes: number;
  limits: InitramfsLimits;
}

export const DEFAULT_HYPERV_OPTIONS: HypervOptions = {
  maxInitramfsBytes: 48 * 1024 * 1024,
  limits: DEFAULT_INITRAMFS_LIMITS,
};

const BASE = {
  id: 'linux.hyperv',
  name: 'Hyper-V drivers available at boot (hv_vmbus, hv_storvsc, hv_netvsc)',
  expected: 'built into the kernel (=y), or modules (=m) inside the initramfs',
};
const FIX_INITRAMFS =
  'Add the Hyper-V drivers to the initramfs and rebuild it: dracut (RHEL, SUSE): add_drivers+=" hv_vmbus hv_netvsc hv_storvsc " in /etc/dracut.conf.d/hyperv.conf, then dracut -f --kver <version>; initramfs-tools (Debian, Ubuntu): list them in /etc/initramfs-tools/modules, then update-initramfs -u -k <version>.';

export async function hypervRow(fs: Ext4, opts: HypervOptions = DEFAULT_HYPERV_OPTIONS): Promise<CheckRow> {
  const kernel = await bootKernel(fs);
  if (!kernel)
    return {
      ...BASE,
      result: 'manualReview',
      actual: 'no kernel found (no vmlinuz in the GRUB configuration or /boot, no /lib/modules)',
      fix: 'Check by hand that the kernel has the Hyper-V drivers (lsmod | grep hv_ in a VM started from the image).',
    };
  const cfg = await kernelConfig(fs, kernel.version);
  if (!cfg)
    return {
      ...BASE,
      result: 'manualReview',
      actual: `kernel ${kernel.version} (from ${kernel.source}): no /boot/config-${kernel.version} to tell how it was built`,
      fix: "Keep the kernel package's config file in the image, or check by hand (lsinitrd / lsinitramfs) that hv_vmbus, hv_storvsc and hv_netvsc are available at boot.",
    };
  const state = HYPERV_DRIVERS.map((d) => ({ ...d, value: cfg.config.get(d.config) ?? 'n' }));
  const describe = (d: (typeof state)[number]) => `${d.module} (${d.config}=${d.value === 'n' ? 'not set' : d.value})`;
  const missing = state.filter((d) => d.value === 'n');
  if (missing.length)
    return {
      ...BASE,
      result: 'fail',
      actual: `kernel ${kernel.version} is built without ${missing.map(describe).join(', ')} (${cfg.path})`,
      fix: "Use a kernel built for Hyper-V/Azure (the distribution's -azure or cloud kernel, or CONFIG_HYPERV, CONFIG_HYPERV_STORAGE and CONFIG_HYPERV_NET set to y or m).",
    };
  const modules = state.filter((d) => d.value === 'm');
  const builtIn = state.filter((d) => d.value === 'y').map((d) => d.module);
  const builtInText = builtIn.length ? `${builtIn.join(', ')} built in` : '';
  if (!modules.length)
    return { ...BASE, result: 'pass', actual: `kernel ${kernel.version}: ${builtInText} (${cfg.path})` };
  let initrd: string | undefined;
  for (const p of initramfsPaths(kernel.version)) if (await fs.exists(p)) initrd ??= p;
  const asModules = modules.map((d) => d.module).join(', ');
  if (!initrd)
    return {
      ...BASE,
      result: 'fail',
      actual: `kernel ${kernel.version} has ${asModules} as modules but no initramfs (${initramfsPaths(kernel.version).join(', ')})`,
      fix: FIX_INITRAMFS,
    };
  const found = new Set<string>();
  const wanted = new Set<string>(modules.map((d) => d.module));
  let scan;
  try {
    scan = await scanInitramfs(
      fileChunks(fs, initrd, opts.maxInitramfsBytes),
      (e) => {
        const m = MODULE_NAME.exec(e.name);
        if (m && wanted.has(m[1])) found.add(m[1]);
        return found.size === wanted.size;
      },
      opts.limits,
    );
  } catch (e) {
    if (e instanceof BudgetExceeded || !(e instanceof InitramfsTooLarge)) throw e;
    return {
      ...BASE,
      result: 'manualReview',
      actual: `${e.message}; not read`,
      fix: 'Check by hand that the initramfs holds the Hyper-V modules (lsinitramfs / lsinitrd).',
    };
  }
  const where = `${initrd} (${scan.layers.join(' + ') || 'empty'})`;
  const prefix = `kernel ${kernel.version}: ${builtInText ? `${builtInText}; ` : ''}`;
  const absent = [...wanted].filter((m) => !found.has(m));
  if (!absent.length) return { ...BASE, result: 'pass', actual: `${prefix}${asModules} as modules in ${where}` };
  if (scan.unsupported)
    return {
      ...BASE,
      result: 'manualReview',
      actual: `${prefix}cannot be determined: ${unreadReason(scan.unsupported)} (${where}); not found before it: ${absent.join(', ')}`,
      fix: 'Check by hand that the initramfs holds the Hyper-V modules (lsinitramfs / lsinitrd), or rebuild it gzip-compressed.',
    };
  if (scan.error)
    return {
      ...BASE,
      result: 'fail',
      actual: `${prefix}${where} could not be read to its end: ${scan.error}; not found: ${absent.join(', ')}`,
      fix: `The initramfs is damaged or unusual: rebuild it. ${FIX_INITRAMFS}`,
    };
  return {
    ...BASE,
    result: 'fail',
    actual: `${prefix}${where} (${scan.entries} files) lacks ${absent.join(', ')}`,
    fix: FIX_INITRAMFS,
  };
}
