// The machine type of a PE/COFF image (an .EFI boot loader): "MZ", the PE header offset at 0x3C,
// "PE\0\0", then the COFF Machine field. Enough to tell an x64 loader from an Arm64 one.

export const PE_MACHINES: Record<number, string> = {
  0x14c: 'x86 (i386)',
  0x8664: 'x64',
  0xaa64: 'Arm64',
  0x1c4: 'ARM (32-bit)',
  0x5064: 'RISC-V 64',
};

/** The machine name, or undefined when the bytes are not a PE image (or its header lies past `head`). */
export function peMachine(head: Buffer): string | undefined {
  if (head.length < 0x40 || head.toString('latin1', 0, 2) !== 'MZ') return undefined;
  const pe = head.readUInt32LE(0x3c);
  if (pe + 6 > head.length || head.toString('latin1', pe, pe + 4) !== 'PE\0\0') return undefined;
  const m = head.readUInt16LE(pe + 4);
  return PE_MACHINES[m] ?? `machine 0x${m.toString(16)}`;
}
