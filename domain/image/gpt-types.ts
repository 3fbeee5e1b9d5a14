// GPT partition type GUIDs that matter to certification (UEFI spec appendix and the Discoverable
// Partitions Specification), and what each one means for an OS disk.

export type GptRole =
  'esp' | 'biosBoot' | 'linuxRoot' | 'linuxData' | 'linuxBoot' | 'swap' | 'lvm' | 'raid' | 'windows' | 'other';

interface GptType {
  name: string;
  role: GptRole;
  /** The architecture a root partition type is reserved for. */
  arch?: 'x86-64' | 'aarch64' | 'x86';
  /** The MBR type byte with the same meaning, so MBR-era rules (swap, LVM, Linux) read both tables. */
  mbr: number;
}

export const GPT_TYPES: Record<string, GptType> = {
  'C12A7328-F81F-11D2-BA4B-00A0C93EC93B': { name: 'EFI system', role: 'esp', mbr: 0xef },
  '21686148-6449-6E6F-744E-656564454649': { name: 'BIOS boot', role: 'biosBoot', mbr: 0xef },
  '0FC63DAF-8483-4772-8E79-3D69D8477DE4': { name: 'Linux filesystem', role: 'linuxData', mbr: 0x83 },
  '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709': { name: 'Linux root (x86-64)', role: 'linuxRoot', arch: 'x86-64', mbr: 0x83 },
  'B921B045-1DF0-41C3-AF44-4C6F280D3FAE': { name: 'Linux root (Arm64)', role: 'linuxRoot', arch: 'aarch64', mbr: 0x83 },
  '44479540-F297-41B2-9AF7-D131D5F0458A': { name: 'Linux root (x86)', role: 'linuxRoot', arch: 'x86', mbr: 0x83 },
  'BC13C2FF-59E6-4262-A352-B275FD6F7172': { name: 'Linux extended boot', role: 'linuxBoot', mbr: 0xea },
  '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F': { name: 'Linux swap', role: 'swap', mbr: 0x82 },
  'E6D6D379-F507-44C2-A23C-238F2A3DF928': { name: 'Linux LVM', role: 'lvm', mbr: 0x8e },
  'A19D880F-05FC-4D3B-A006-743F0F84911E': { name: 'Linux RAID', role: 'raid', mbr: 0xfd },
  'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7': { name: 'Microsoft basic data', role: 'windows', mbr: 0x07 },
  'E3C9E316-0B5C-4DB8-817D-F92DF00215AE': { name: 'Microsoft reserved', role: 'windows', mbr: 0x0c },
  'DE94BBA4-06D1-4D40-A16A-BFD50179D6AC': { name: 'Windows recovery', role: 'windows', mbr: 0x27 },
};

/** An unknown GUID keeps its own text as a name, and an MBR byte that no rule looks for. */
export function gptType(guid: string): GptType {
  return GPT_TYPES[guid] ?? { name: `unknown GPT type ${guid}`, role: 'other', mbr: 0xff };
}

/** A GUID as text from its mixed-endian on-disk form (three little-endian fields, then bytes). */
export function guidAt(b: Buffer, at: number): string {
  const hex = (from: number, to: number) => b.subarray(at + from, at + to).toString('hex');
  const le = (from: number, len: number) =>
    Buffer.from(b.subarray(at + from, at + from + len))
      .reverse()
      .toString('hex');
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex(8, 10)}-${hex(10, 16)}`.toUpperCase();
}
