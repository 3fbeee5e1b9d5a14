// Generation 2 and Arm64 disks: GPT with a FAT EFI system partition (built with dosfstools and
// mtools) and the ext4 root found through the GPT, each checked against the image types its plan
// declares. Every new rule has a disk that fails it and one that passes.
import fs from 'node:fs';
import { GPT_GUID, peImage, uefiImage } from '../../../support/boot-fixtures';
import { certifyBuilt, failing, notPassing, rowOf } from '../../../support/certify-file';
import { BuiltImage, buildImage, mbr, tempDir } from '../../../support/image-fixtures';

let dir: string;
const built = new Map<string, BuiltImage>();

beforeAll(() => {
  dir = tempDir('uefi-');
  built.set('gen2', buildImage(dir, 'gen2', uefiImage()));
  built.set('arm64', buildImage(dir, 'arm64', uefiImage({ arch: 'Arm64', fatBits: 16 })));
  built.set('gen2-fat12', buildImage(dir, 'gen2-fat12', uefiImage({ fatBits: 12 })));
  built.set('gen2-no-loader', buildImage(dir, 'gen2-no-loader', uefiImage({ esp: { 'EFI/ubuntu/grub.cfg': 'x' } })));
  built.set(
    'gen2-vendor-only',
    buildImage(dir, 'gen2-vendor', uefiImage({ esp: { 'EFI/redhat/shimx64.efi': peImage('x64') } })),
  );
  built.set(
    'gen2-hybrid',
    buildImage(dir, 'gen2-hybrid', {
      ...uefiImage(),
      raw: [
        {
          offset: 0,
          data: mbr([
            { type: 0xee, start: 1, sectors: 100_000 },
            { type: 0x83, start: 75_776, sectors: 32_768 },
          ]),
        },
      ],
    }),
  );
  built.set('gen2-data-root', buildImage(dir, 'gen2-data-root', uefiImage({ rootType: GPT_GUID.linuxData })));
  built.set('mbr', buildImage(dir, 'mbr'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('an x64 Generation 2 disk (GPT + FAT32 ESP + ext4 root)', () => {
  it('passes on a plan that declares x64 Generation 2', async () => {
    const r = await certifyBuilt(built.get('gen2')!, { imageTypes: ['x64Gen2'] });
    expect(notPassing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'partition.table').actual).toBe('GPT with 2 partition(s)');
    expect(rowOf(r.rows, 'efi.esp').actual).toBe('FAT32 on partition 1 (EFI system, sectors 2048–75775), 36 MiB');
    expect(rowOf(r.rows, 'efi.bootLoader').actual).toBe(
      'EFI/BOOT/BOOTX64.EFI (x64), EFI/ubuntu/grubx64.efi (x64), EFI/ubuntu/shimx64.efi (x64)',
    );
    expect(rowOf(r.rows, 'linux.rootFs').actual).toMatch(/^ext4 on partition 2 \(Linux root \(x86-64\)/);
    expect(rowOf(r.rows, 'partition.singleRoot').result).toBe('pass');
    expect(r.stats.reads).toBeLessThanOrEqual(14);
  });

  it('fails on a Generation 1 plan, naming both the disk and the plan', async () => {
    const r = await certifyBuilt(built.get('gen2')!);
    expect(failing(r.rows).map((x) => x.id)).toEqual(['partition.table']);
    expect(rowOf(r.rows, 'partition.table').actual).toBe(
      'GPT (a GPT header ("EFI PART") at sector 1): an x64 Generation 2 disk (GPT, EFI/BOOT/BOOTX64.EFI); the plan declares x64 Generation 1 only',
    );
    expect(rowOf(r.rows, 'partition.table').fix).toMatch(/declare the plan's image type as x64 Generation 2/);
  });

  it('passes on a plan that declares both generations', async () => {
    const r = await certifyBuilt(built.get('gen2')!, { imageTypes: ['x64Gen1', 'x64Gen2'] });
    expect(failing(r.rows)).toEqual([]);
  });

  it('a FAT12 ESP and a vendor-only loader (EFI/redhat/shimx64.efi) pass too', async () => {
    for (const name of ['gen2-fat12', 'gen2-vendor-only']) {
      const r = await certifyBuilt(built.get(name)!, { imageTypes: ['x64Gen2'] });
      expect(failing(r.rows)).toEqual([]);
    }
    const fat12 = await certifyBuilt(built.get('gen2-fat12')!, { imageTypes: ['x64Gen2'] });
    expect(rowOf(fat12.rows, 'efi.esp').actual).toMatch(/^FAT12 on partition 1/);
    const vendor = await certifyBuilt(built.get('gen2-vendor-only')!, { imageTypes: ['x64Gen2'] });
    expect(rowOf(vendor.rows, 'efi.bootLoader').actual).toBe('EFI/redhat/shimx64.efi (x64)');
  });

  it('an ESP without a boot loader fails efi.bootLoader', async () => {
    const r = await certifyBuilt(built.get('gen2-no-loader')!, { imageTypes: ['x64Gen2'] });
    expect(failing(r.rows).map((x) => x.id)).toEqual(['efi.bootLoader']);
    expect(rowOf(r.rows, 'efi.bootLoader').actual).toMatch(
      /^no boot loader .*; the plan declares x64 Generation 2 only$/,
    );
  });

  it('a hybrid MBR is a warning, not a pass', async () => {
    const r = await certifyBuilt(built.get('gen2-hybrid')!, { imageTypes: ['x64Gen2'] });
    expect(rowOf(r.rows, 'partition.protectiveMbr')).toMatchObject({
      result: 'warning',
      actual: expect.stringMatching(/hybrid/),
    });
    expect(failing(r.rows)).toEqual([]);
  });

  it('finds the root in a plain "Linux filesystem" partition as well', async () => {
    const r = await certifyBuilt(built.get('gen2-data-root')!, { imageTypes: ['x64Gen2'] });
    expect(failing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'linux.rootFs').actual).toMatch(/^ext4 on partition 2 \(Linux filesystem/);
  });
});

describe('an Arm64 disk (GPT + FAT16 ESP with BOOTAA64.EFI + aarch64 binaries)', () => {
  it('passes on a plan that declares Arm64', async () => {
    const r = await certifyBuilt(built.get('arm64')!, { imageTypes: ['arm64'] });
    expect(notPassing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'linux.arch64').actual).toBe('/bin/sh → /usr/bin/dash: ELF 64-bit aarch64');
    expect(rowOf(r.rows, 'linux.arch64').testId).toBe('49');
    expect(rowOf(r.rows, 'efi.bootLoader').actual).toMatch(/^EFI\/BOOT\/BOOTAA64\.EFI \(Arm64\)/);
  });

  it('fails on an x64 Generation 2 plan: the boot loader and the binaries are for another architecture', async () => {
    const r = await certifyBuilt(built.get('arm64')!, { imageTypes: ['x64Gen2'] });
    expect(
      failing(r.rows)
        .map((x) => x.id)
        .sort(),
    ).toEqual(['efi.bootLoader', 'linux.arch64']);
    expect(rowOf(r.rows, 'linux.arch64').actual).toBe(
      '/bin/sh → /usr/bin/dash: ELF 64-bit aarch64; the plan declares x64 Generation 2 only',
    );
    expect(rowOf(r.rows, 'efi.bootLoader').actual).toMatch(/\(Arm64\).*; the plan declares x64 Generation 2 only$/);
  });

  it('fails on a Generation 1 plan, named as an Arm64 disk', async () => {
    const r = await certifyBuilt(built.get('arm64')!);
    expect(rowOf(r.rows, 'partition.table').actual).toMatch(
      /an Arm64 \(Generation 2\) disk \(GPT, EFI\/BOOT\/BOOTAA64\.EFI\); the plan declares x64 Generation 1 only$/,
    );
  });

  it('an x64 disk fails on an Arm64 plan', async () => {
    const r = await certifyBuilt(built.get('gen2')!, { imageTypes: ['arm64'] });
    expect(
      failing(r.rows)
        .map((x) => x.id)
        .sort(),
    ).toEqual(['efi.bootLoader', 'linux.arch64']);
  });
});

it('an MBR (Generation 1) disk fails on a Generation 2 plan, naming both', async () => {
  const r = await certifyBuilt(built.get('mbr')!, { imageTypes: ['x64Gen2'] });
  expect(failing(r.rows).map((x) => x.id)).toEqual(['partition.table']);
  expect(rowOf(r.rows, 'partition.table').actual).toBe(
    'MBR with 1 partition(s): an x64 Generation 1 (MBR, BIOS boot) disk; the plan declares x64 Generation 2 only',
  );
});
