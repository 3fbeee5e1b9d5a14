// The EFI system partition of a UEFI (Generation 2 / Arm64) disk: a FAT filesystem holding the
// boot loader the firmware starts — the removable-media path EFI/BOOT/BOOT<arch>.EFI, or shim /
// GRUB under EFI/<vendor>/ — and the machine each loader's PE header was built for.
import { BudgetExceeded } from './block-source';
import { Fat, FatEntry } from './fat';
import { CheckRow } from './footer-checks';
import { gptType } from './gpt-types';
import { declaredLabel, ImageType, IMAGE_TYPE_LABELS } from './image-types';
import type { ProbedPartition } from './partition-checks';
import { describe } from './partitions';
import { peMachine } from './pe-header';

export interface BootLoader {
  path: string;
  /** From the PE header: 'x64', 'Arm64', …; 'not a PE image' when the bytes say otherwise. */
  machine: string;
}

export interface EspFound {
  part?: ProbedPartition;
  fat?: Fat;
  loaders: BootLoader[];
  /** Why no loader list could be made, when it could not. */
  error?: string;
}

const FALLBACK = ['EFI/BOOT/BOOTX64.EFI', 'EFI/BOOT/BOOTAA64.EFI'];
const VENDOR_LOADER = /^(shim|grub|systemd-boot)(x64|aa64)\.efi$/i;
const MAX_VENDORS = 32;
const HEAD = 4096;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const isEsp = (p: { typeGuid?: string }): boolean =>
  p.typeGuid !== undefined && gptType(p.typeGuid).role === 'esp';

async function loaderAt(fat: Fat, entry: FatEntry): Promise<BootLoader> {
  return {
    path: entry.path.replace(/^\//, ''),
    machine: peMachine(await fat.readHead(entry, HEAD)) ?? 'not a PE image',
  };
}

/** Boot loaders on the ESP: the fallback paths first, then each vendor directory's shim and GRUB. */
export async function findBootLoaders(fat: Fat): Promise<BootLoader[]> {
  const out: BootLoader[] = [];
  for (const path of FALLBACK) {
    const e = await fat.find(path);
    if (e && !e.dir) out.push(await loaderAt(fat, e));
  }
  const efi = await fat.find('EFI');
  if (!efi?.dir) return out;
  const vendors = (await fat.readdir(efi))
    .filter((e) => e.dir && e.name.toUpperCase() !== 'BOOT')
    .slice(0, MAX_VENDORS);
  for (const v of vendors)
    for (const e of await fat.readdir(v)) if (!e.dir && VENDOR_LOADER.test(e.name)) out.push(await loaderAt(fat, e));
  return out;
}

/** The first partition typed as ESP that holds FAT, with its loaders; errors become `error`. */
export async function readEsp(parts: ProbedPartition[]): Promise<EspFound> {
  const esps = parts.filter(isEsp);
  if (!esps.length)
    return { loaders: [], error: 'no partition of the EFI system type (C12A7328-F81F-11D2-BA4B-00A0C93EC93B)' };
  const part = esps[0];
  if (!part.source) return { part, loaders: [], error: `${describe(part)} lies outside the disk` };
  try {
    const fat = await Fat.open(part.source);
    return { part, fat, loaders: await findBootLoaders(fat) };
  } catch (e) {
    if (e instanceof BudgetExceeded) throw e;
    return { part, loaders: [], error: `${describe(part)}: ${message(e)}` };
  }
}

const WANTED: Partial<Record<ImageType, string>> = { x64Gen2: 'x64', arm64: 'Arm64' };

/** What the loaders make of the disk: the UEFI image type it can boot as, if any. */
export function uefiTypeOf(loaders: BootLoader[]): ImageType | undefined {
  if (loaders.some((l) => l.machine === 'x64')) return 'x64Gen2';
  if (loaders.some((l) => l.machine === 'Arm64')) return 'arm64';
  return undefined;
}

export function espRows(esp: EspFound, types: readonly ImageType[]): CheckRow[] {
  const espRow: CheckRow = {
    id: 'efi.esp',
    name: 'EFI system partition (FAT)',
    result: esp.fat ? 'pass' : 'fail',
    actual:
      esp.fat && esp.part
        ? `FAT${esp.fat.bits} on ${describe(esp.part)}, ${Math.round(esp.part.sectors / 2048)} MiB`
        : (esp.error ?? 'not found'),
    expected: 'a FAT12/16/32 EFI system partition on the GPT disk',
    fix: 'Generation 2 and Arm64 VMs boot through UEFI: create an EFI system partition (sgdisk -n 15:2048:+100M -t 15:ef00), format it FAT32 (mkfs.vfat -F 32) and install the boot loader into it (grub-install --target=x86_64-efi or arm64-efi, with shim).',
  };
  if (!esp.fat) return [espRow];
  const wanted = types.map((t) => WANTED[t]).filter((m): m is string => m !== undefined);
  const ok = esp.loaders.filter((l) => wanted.includes(l.machine));
  const list = esp.loaders.map((l) => `${l.path} (${l.machine})`).join(', ');
  const names = types.filter((t) => WANTED[t]).map((t) => IMAGE_TYPE_LABELS[t]);
  return [
    espRow,
    {
      id: 'efi.bootLoader',
      name: 'UEFI boot loader for the declared architecture',
      result: ok.length ? 'pass' : 'fail',
      actual: ok.length
        ? list
        : `${list || 'no boot loader (EFI/BOOT/BOOTX64.EFI, BOOTAA64.EFI, EFI/<vendor>/shim*.efi or grub*.efi)'}; ${declaredLabel(types)}`,
      expected: `a ${wanted.join(' or ')} boot loader for ${names.join(' and ')} (EFI/BOOT/BOOT${wanted.map((w) => (w === 'x64' ? 'X64' : 'AA64')).join('|')}.EFI, or shim/GRUB under EFI/<vendor>/)`,
      fix: "Install the boot loader for the plan's architecture into the ESP (grub-install --target=x86_64-efi or --target=arm64-efi --removable, or the distribution's shim-signed and grub-efi packages), or correct the image types the plan declares.",
    },
  ];
}
