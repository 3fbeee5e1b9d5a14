// The image types a plan declares (Partner Center's choices: x64 Generation 1, x64 Generation 2,
// Arm64) and what each asks of a disk: Generation 1 boots from an MBR disk through BIOS;
// Generation 2 and Arm64 (always Generation 2) boot through UEFI from a GPT disk's EFI system partition.

export const IMAGE_TYPES = ['x64Gen1', 'x64Gen2', 'arm64'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const IMAGE_TYPE_LABELS: Record<ImageType, string> = {
  x64Gen1: 'x64 Generation 1',
  x64Gen2: 'x64 Generation 2',
  arm64: 'Arm64 (Generation 2)',
};

/** What a plan that says nothing declares: the only type there was before plans could say. */
export const DEFAULT_IMAGE_TYPES: readonly ImageType[] = ['x64Gen1'];

export type Arch = 'x86-64' | 'aarch64';

export const declaredLabel = (types: readonly ImageType[]): string =>
  `the plan declares ${types.map((t) => IMAGE_TYPE_LABELS[t]).join(' and ')}${types.length === 1 ? ' only' : ''}`;

export const wantsUefi = (types: readonly ImageType[]): boolean => types.some((t) => t !== 'x64Gen1');

/** ELF machines the declared types allow for the system's binaries. */
export function allowedArches(types: readonly ImageType[]): Arch[] {
  const out: Arch[] = [];
  if (types.some((t) => t !== 'arm64')) out.push('x86-64');
  if (types.includes('arm64')) out.push('aarch64');
  return out;
}

/** "an x64 Generation 2 disk", "an Arm64 (Generation 2) disk". */
export const withArticle = (label: string): string => `${/^[aeiouAEIOU]|^x64/.test(label) ? 'an' : 'a'} ${label}`;
