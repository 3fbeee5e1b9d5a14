import {
  compareVersions,
  elfInfo,
  fstabSwaps,
  grubCfgCmdline,
  grubDefaults,
  missingKernelArgs,
  parseKeyValue,
  parseOsRelease,
  shadowEntry,
  sshdGlobalLines,
  sshdSeconds,
} from '../../../../domain/image/config-files';
import { elfHeader } from '../../../support/image-fixtures';

it('waagent.conf: last value wins, comments ignored', () => {
  const c = parseKeyValue(
    '# ResourceDisk.EnableSwap=y\nResourceDisk.EnableSwap=n\n  ResourceDisk.EnableSwap = y # on\nbroken line\n',
  );
  expect(c.get('ResourceDisk.EnableSwap')).toBe('y');
  expect(c.size).toBe(1);
});

it('os-release: quotes and escapes', () => {
  const o = parseOsRelease('ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME=\'Ubuntu 22.04\'\nNAME="A \\"quoted\\" name"\n');
  expect([o.get('ID'), o.get('VERSION_ID'), o.get('PRETTY_NAME'), o.get('NAME')]).toEqual([
    'ubuntu',
    '22.04',
    'Ubuntu 22.04',
    'A "quoted" name',
  ]);
});

it('grub defaults: later files and $VAR references', () => {
  const v = grubDefaults([
    'GRUB_CMDLINE_LINUX="quiet"\nGRUB_CMDLINE_LINUX_DEFAULT=splash\n',
    'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX console=ttyS0"\n#GRUB_CMDLINE_LINUX=""\n',
  ]);
  expect(v.get('GRUB_CMDLINE_LINUX')).toBe('quiet console=ttyS0');
  expect(v.get('GRUB_CMDLINE_LINUX_DEFAULT')).toBe('splash');
});

it('grub.cfg: the first linux line', () => {
  expect(
    grubCfgCmdline(
      "menuentry 'x' {\n  linux16 /vmlinuz root=/dev/sda1 console=ttyS0\n}\nmenuentry 'y' {\n linux /other rootdelay=1\n}",
    ),
  ).toBe('root=/dev/sda1 console=ttyS0');
  expect(grubCfgCmdline('set default=0\n')).toBeUndefined();
});

it('kernel arguments with options count', () => {
  expect(
    missingKernelArgs('console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300', [
      'console=ttyS0',
      'earlyprintk=ttyS0',
      'rootdelay=300',
    ]),
  ).toEqual([]);
  expect(missingKernelArgs('console=ttyS01 rootdelay=3000', ['console=ttyS0', 'rootdelay=300'])).toEqual([
    'console=ttyS0',
    'rootdelay=300',
  ]);
});

it('sshd_config: keywords case-insensitive, Match blocks skipped', () => {
  const lines = sshdGlobalLines(
    '# c\nclientaliveinterval=120\nMatch User bob\n  ClientAliveInterval 5\nMatch all\nPort 22\n',
  );
  expect(lines).toEqual([
    { keyword: 'clientaliveinterval', args: ['120'] },
    { keyword: 'port', args: ['22'] },
  ]);
  expect([sshdSeconds('180'), sshdSeconds('3m'), sshdSeconds('1m30s'), sshdSeconds('x')]).toEqual([
    180,
    180,
    90,
    undefined,
  ]);
});

it('shadow and fstab', () => {
  expect(shadowEntry('daemon:*:1::\nroot:!:1::\n', 'root')?.[1]).toBe('!');
  expect(shadowEntry('daemon:*:1::\n', 'root')).toBeUndefined();
  expect(fstabSwaps('UUID=1 / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n# /dev/sdb1 none swap\n')).toEqual([
    '/swap.img',
  ]);
});

it('versions compare numerically', () => {
  expect(compareVersions('2.2.10', '2.2.9')).toBe(1);
  expect(compareVersions('2.2.10', '2.2.10.0')).toBe(0);
  expect(compareVersions('2.10', '2.9.99')).toBe(1);
  expect(compareVersions('9.10', '18.04')).toBe(-1);
});

it('ELF headers', () => {
  expect(elfInfo(elfHeader())).toEqual({ bits: 64, machine: 'x86-64' });
  expect(elfInfo(elfHeader(2, 183))).toEqual({ bits: 64, machine: 'aarch64' });
  expect(elfInfo(elfHeader(1, 3))).toEqual({ bits: 32, machine: 'x86 (i386)' });
  expect(elfInfo(Buffer.from('#!/bin/sh\n'.padEnd(64)))).toBeUndefined();
});
