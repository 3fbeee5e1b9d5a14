// One compliant Linux image and one image per certification rule, each failing that rule (and
// only that rule) with its own message. Images are real: mkfs.ext4 -d + sfdisk + a VHD footer,
// sparse 30 GiB files read through ranged file reads.
import fs from 'node:fs';
import { buildReport, certifyDisk, CheckRow, DiskReport, renderReportHtml } from '../../../../domain/image/certify';
import { fillerFiles, hvModules, initramfs } from '../../../support/boot-fixtures';
import {
  BuiltImage,
  buildImage,
  compliantTree,
  DEFAULT_PACKAGES,
  dpkgStatus,
  elfHeader,
  GiB,
  ImageSpec,
  KERNEL,
  kernelConfigText,
  ntfsBootSector,
  openFile,
  tempDir,
  Tree,
} from '../../../support/image-fixtures';

const NOW = new Date('2025-03-01T12:00:00Z');
const FS_SECTORS = 16 * 2048;
const LINUX_GUID = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const root: PartSpec = { start: 2048, sectors: FS_SECTORS, type: '83', bootable: true };
type PartSpec = NonNullable<ImageSpec['partitions']>[number];
const second = (type: string): PartSpec => ({ start: 2048 + FS_SECTORS, sectors: 8192, type });

function tree(edit: (t: Tree) => void): Tree {
  const t = compliantTree();
  edit(t);
  return t;
}

interface Case {
  name: string;
  spec: ImageSpec;
  /** Row ids that must fail, and nothing else. */
  fails: string[];
  /** What the first failing row's `actual` says. */
  message: RegExp;
}

const CASES: Case[] = [
  {
    // The root filesystem is now read through the GPT: only the table fails, naming the plan's type.
    name: 'GPT instead of MBR',
    spec: { label: 'gpt', partitions: [{ start: 2048, sectors: FS_SECTORS, type: LINUX_GUID }] },
    fails: ['partition.table'],
    message: /^GPT .*: a UEFI disk \(GPT\) without a boot loader .*; the plan declares x64 Generation 1 only$/,
  },
  {
    name: 'no partition table',
    spec: { partitions: [], fsAt: 0 },
    fails: ['partition.table'],
    message: /no partition table/,
  },
  {
    name: 'first partition at 2 MiB',
    spec: { partitions: [{ ...root, start: 4096 }] },
    fails: ['partition.firstStart'],
    message: /sector 4096 \(2 MiB\)/,
  },
  {
    name: 'swap partition',
    spec: { partitions: [root, second('82')] },
    fails: ['partition.noSwap'],
    message: /partition 2 \(Linux swap/,
  },
  {
    name: 'swap signature in a Linux partition',
    spec: {
      partitions: [root, second('83')],
      raw: [{ offset: (2048 + FS_SECTORS) * 512 + 4086, data: Buffer.from('SWAPSPACE2') }],
    },
    fails: ['partition.noSwap'],
    message: /partition 2 \(Linux,/,
  },
  {
    name: 'LVM partition',
    spec: { partitions: [root, second('8e')] },
    fails: ['partition.noLvm'],
    message: /Linux LVM/,
  },
  {
    name: 'two Linux partitions',
    spec: { partitions: [root, second('83')] },
    fails: ['partition.singleRoot'],
    message: /2 partition\(s\)/,
  },
  {
    name: 'no filesystem in the root partition',
    spec: { fsIn: null },
    fails: ['linux.rootFs'],
    message: /no recognised filesystem/,
  },
  {
    name: 'no waagent.conf',
    spec: { tree: tree((t) => delete t['etc/waagent.conf']) },
    fails: ['linux.waagentConf', 'linux.deleteRootPassword', 'linux.agentAutoUpdate'],
    message: /\/etc\/waagent\.conf not found/,
  },
  {
    name: 'swap file in fstab',
    spec: { tree: tree((t) => (t['etc/fstab'] = `${t['etc/fstab'] as string}/swapfile none swap sw 0 0\n`)) },
    fails: ['linux.resourceDiskSwap'],
    message: /fstab mounts swap from \/swapfile/,
  },
  {
    name: 'DeleteRootPassword=n',
    spec: {
      tree: tree(
        (t) =>
          (t['etc/waagent.conf'] = (t['etc/waagent.conf'] as string).replace(
            'DeleteRootPassword=y',
            'DeleteRootPassword=n',
          )),
      ),
    },
    fails: ['linux.deleteRootPassword'],
    message: /DeleteRootPassword=n/,
  },
  {
    name: 'no agent',
    spec: {
      tree: tree((t) => {
        delete t['usr/sbin/waagent'];
        delete t['usr/lib/python3/dist-packages/azurelinuxagent/common/version.py'];
      }),
    },
    fails: ['linux.agentVersion'],
    message: /waagent not found/,
  },
  {
    name: 'agent 2.2.9',
    spec: {
      tree: tree(
        (t) => (t['usr/lib/python3/dist-packages/azurelinuxagent/common/version.py'] = "AGENT_VERSION = '2.2.9'\n"),
      ),
    },
    fails: ['linux.agentVersion'],
    message: /^2\.2\.9 /,
  },
  {
    name: 'ClientAliveInterval 300',
    spec: { tree: tree((t) => (t['etc/ssh/sshd_config.d/50-cloudimg.conf'] = 'ClientAliveInterval 300\n')) },
    fails: ['linux.sshClientAlive'],
    message: /300 in \/etc\/ssh\/sshd_config\.d\/50-cloudimg\.conf/,
  },
  {
    name: 'no rootdelay on the kernel command line',
    spec: {
      tree: tree((t) => {
        t['boot/grub/grub.cfg'] = (t['boot/grub/grub.cfg'] as string).replace(' rootdelay=300', '');
        t['etc/default/grub'] = (t['etc/default/grub'] as string).replace(' rootdelay=300', '');
      }),
    },
    fails: ['linux.kernelCmdline'],
    message: /lacks rootdelay=300/,
  },
  {
    name: 'bash history of 2 KiB',
    spec: { tree: tree((t) => (t['home/bob/.bash_history'] = 'x'.repeat(2048))) },
    fails: ['linux.bashHistory'],
    message: /\/home\/bob\/\.bash_history \(2048 bytes\)/,
  },
  {
    name: 'root password set',
    spec: { tree: tree((t) => (t['etc/shadow'] = 'root:$6$s4lt$SECRETHASHVALUE:19000:0:99999:7:::\n')) },
    fails: ['linux.rootPasswordLocked'],
    message: /a password is set \(hash scheme \$6\$\)/,
  },
  {
    name: '32-bit shell',
    spec: { tree: tree((t) => (t['usr/bin/dash'] = elfHeader(1, 3))) },
    fails: ['linux.arch64'],
    message: /ELF 32-bit x86 \(i386\)/,
  },
  {
    name: 'CentOS 6',
    spec: {
      tree: tree((t) => {
        t['usr/lib/os-release'] =
          'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="6"\nPRETTY_NAME="CentOS <script>alert(1)</script> 6"\n';
      }),
    },
    fails: ['linux.distro'],
    message: /VERSION_ID=6/,
  },
  { name: '29 GiB OS disk', spec: { diskSize: 29 * GiB }, fails: ['vhd.osDiskSize'], message: /29 GiB/ },
  {
    name: 'agent 2.2.40, below the current minimum',
    spec: {
      tree: tree(
        (t) => (t['usr/lib/python3/dist-packages/azurelinuxagent/common/version.py'] = "AGENT_VERSION = '2.2.40'\n"),
      ),
    },
    fails: ['linux.agentVersion'],
    message: /^2\.2\.40 /,
  },
  {
    name: 'agent auto-update off',
    spec: { tree: tree((t) => (t['etc/waagent.conf'] = `${t['etc/waagent.conf'] as string}AutoUpdate.Enabled=n\n`)) },
    fails: ['linux.agentAutoUpdate'],
    message: /^AutoUpdate\.Enabled=n$/,
  },
  {
    name: 'OpenSSL 0.9.7',
    spec: { tree: packages((p) => (delete p.libssl3, (p.openssl = '0.9.7g-1'))) },
    fails: ['linux.openssl'],
    message: /^0\.9\.7g \(package openssl 0\.9\.7g-1 \(\/var\/lib\/dpkg\/status\)\)$/,
  },
  {
    name: 'Python 2.5',
    spec: {
      tree: packages((p) => (delete p['python3-minimal'], delete p['python3.10'], (p['python2.5'] = '2.5.2-15'))),
    },
    fails: ['linux.python'],
    message: /^2\.5\.2 \(package python2\.5/,
  },
  {
    name: 'no Python at all',
    spec: { tree: packages((p) => (delete p['python3-minimal'], delete p['python3.10'])) },
    fails: ['linux.python'],
    message: /^no Python installed/,
  },
  {
    name: 'a kernel without hv_storvsc',
    spec: { tree: tree((t) => (t[`boot/config-${KERNEL}`] = kernelConfigText('y', 'CONFIG_HYPERV_STORAGE'))) },
    fails: ['linux.hyperv'],
    message: /built without hv_storvsc \(CONFIG_HYPERV_STORAGE=not set\)/,
  },
  {
    name: 'Hyper-V modules, one missing from the initramfs',
    spec: {
      tree: tree((t) => {
        t[`boot/config-${KERNEL}`] = kernelConfigText('m');
        t[`boot/initrd.img-${KERNEL}`] = initramfs({
          early: [{ name: 'kernel/x86/microcode/GenuineIntel.bin', data: 'ucode' }],
          main: [...fillerFiles(50), ...hvModules(KERNEL, ['hv_vmbus', 'hv_netvsc'])],
        });
      }),
    },
    fails: ['linux.hyperv'],
    message: /\/boot\/initrd\.img-5\.15\.0-1057-azure \(cpio \+ gzip\) \(53 files\) lacks hv_storvsc$/,
  },
  {
    name: 'Hyper-V modules but no initramfs',
    spec: { tree: tree((t) => (t[`boot/config-${KERNEL}`] = kernelConfigText('m'))) },
    fails: ['linux.hyperv'],
    message: /as modules but no initramfs/,
  },
  {
    name: 'Ubuntu 18.04 on a kernel from before the SACK fixes',
    spec: { tree: ubuntu1804('4.18.0-1020-azure') },
    fails: ['linux.sack'],
    message: /^kernel 4\.18\.0-1020-azure on ubuntu 18\.04; minimum 4\.18\.0-1023$/,
  },
];

function packages(edit: (p: Record<string, string>) => void): Tree {
  const p = { ...DEFAULT_PACKAGES };
  edit(p);
  return tree((t) => (t['var/lib/dpkg/status'] = dpkgStatus(p)));
}

/** The compliant tree as Ubuntu 18.04 booting `kernel`. */
function ubuntu1804(kernel: string): Tree {
  return tree((t) => {
    t['usr/lib/os-release'] = 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="18.04"\nPRETTY_NAME="Ubuntu 18.04.6 LTS"\n';
    t['boot/grub/grub.cfg'] = (t['boot/grub/grub.cfg'] as string).replaceAll(KERNEL, kernel);
    delete t[`boot/vmlinuz-${KERNEL}`];
    delete t[`boot/config-${KERNEL}`];
    t[`boot/vmlinuz-${kernel}`] = 'kernel\n';
    t[`boot/config-${kernel}`] = kernelConfigText('y');
  });
}

let dir: string;
const built = new Map<string, BuiltImage>();

async function certify(img: BuiltImage, opts: Partial<Parameters<typeof certifyDisk>[1]> = {}): Promise<DiskReport> {
  const src = await openFile(img.path);
  try {
    return await certifyDisk(src, { role: 'os', now: NOW, ...opts });
  } finally {
    await src.close();
  }
}

const failing = (rows: CheckRow[]) => rows.filter((r) => r.result === 'fail');

beforeAll(() => {
  dir = tempDir('certify-');
  built.set('compliant', buildImage(dir, 'compliant'));
  built.set(
    'windows',
    buildImage(dir, 'windows', {
      partitions: [{ ...root, type: '7' }],
      fsIn: null,
      raw: [{ offset: 2048 * 512, data: ntfsBootSector() }],
    }),
  );
  built.set('xfs', buildImage(dir, 'xfs', { fsIn: null, raw: [{ offset: 2048 * 512, data: Buffer.from('XFSB') }] }));
  CASES.forEach((c, i) => built.set(c.name, buildImage(dir, `case${i}`, c.spec)));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a compliant Linux image', () => {
  let report: DiskReport;
  beforeAll(async () => {
    report = await certify(built.get('compliant')!);
  });

  it('passes every check', () => {
    expect(failing(report.rows)).toEqual([]);
    expect(report.rows.every((r) => r.result === 'pass')).toBe(true);
    expect(report.rows.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'vhd.cookie',
        'partition.table',
        'partition.firstStart',
        'partition.noSwap',
        'partition.noLvm',
        'partition.singleRoot',
        'linux.rootFs',
        'linux.waagentConf',
        'linux.resourceDiskSwap',
        'linux.deleteRootPassword',
        'linux.agentVersion',
        'linux.sshClientAlive',
        'linux.kernelCmdline',
        'linux.bashHistory',
        'linux.rootPasswordLocked',
        'linux.arch64',
        'linux.distro',
        'linux.agentAutoUpdate',
        'linux.openssl',
        'linux.python',
        'linux.ghost',
        'linux.sack',
        'linux.hyperv',
      ]),
    );
  });

  it("carries the self-test's TestID on the rows that check the same rule", () => {
    const ids = Object.fromEntries(report.rows.filter((r) => r.testId).map((r) => [r.id, r.testId]));
    expect(ids).toEqual({
      'linux.agentVersion': '39',
      'linux.kernelCmdline': '40',
      'partition.noSwap': '41',
      'partition.singleRoot': '42',
      'linux.openssl': '44',
      'linux.python': '45',
      'linux.sshClientAlive': '46',
      'linux.bashHistory': '48',
      'linux.arch64': '49',
      'linux.ghost': '50',
      'linux.agentAutoUpdate': '51',
      'linux.sack': '52',
    });
    const html = renderReportHtml(buildReport([{ label: 'os', ...report }], { now: NOW }));
    expect(html).toContain('<code>linux.sack</code> · TestID 52');
  });

  it('reads a few hundred KiB of a 30 GiB disk in a handful of reads', () => {
    expect(report.stats.reads).toBeLessThanOrEqual(12);
    expect(report.stats.bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('reports what it found', () => {
    const row = (id: string) => report.rows.find((r) => r.id === id)!.actual;
    expect(row('linux.agentVersion')).toMatch(/^2\.9\.1\.1 /);
    expect(row('linux.arch64')).toBe('/bin/sh → /usr/bin/dash: ELF 64-bit x86-64');
    expect(row('linux.distro')).toMatch(/Ubuntu 22\.04/);
    expect(row('linux.rootFs')).toMatch(/^ext4 on partition 1/);
    expect(row('linux.openssl')).toMatch(
      /^3\.0\.2 \(package (openssl|libssl3) 3\.0\.2-0ubuntu1\.15 \(\/var\/lib\/dpkg\/status\)\)$/,
    );
    expect(row('linux.python')).toBe('3.10.12 (package python3.10 3.10.12-1~22.04.3 (/var/lib/dpkg/status))');
    expect(row('linux.ghost')).toBe('2.35 (package libc6 2.35-0ubuntu3.6 (/var/lib/dpkg/status))');
    expect(row('linux.sack')).toBe('kernel 5.15.0-1057-azure: Linux 5.15, released with the fixes');
    expect(row('linux.hyperv')).toBe(
      `kernel ${KERNEL}: hv_vmbus, hv_storvsc, hv_netvsc built in (/boot/config-${KERNEL})`,
    );
    expect(row('linux.agentAutoUpdate')).toBe('AutoUpdate.Enabled=y');
  });

  it('is also checked as a Linux image when the OS family is given', async () => {
    const r = await certify(built.get('compliant')!, { osFamily: 'Linux' });
    expect(failing(r.rows)).toEqual([]);
  });
});

describe.each(CASES)('$name', (c) => {
  it(`fails ${c.fails.join(' and ')} with a fix, and nothing else`, async () => {
    const { rows } = await certify(built.get(c.name)!);
    const failed = failing(rows);
    expect(failed.map((r) => r.id).sort()).toEqual([...c.fails].sort());
    expect(failed[0].actual).toMatch(c.message);
    for (const r of failed) expect(r.fix).toMatch(/\w{4,}/);
  });
});

it('never shows a password hash', async () => {
  const { rows } = await certify(built.get('root password set')!);
  expect(JSON.stringify(rows)).not.toContain('SECRETHASHVALUE');
});

describe('a Windows image', () => {
  it('is recognised by its NTFS boot sector; what cannot be seen is labelled for manual review', async () => {
    const { rows } = await certify(built.get('windows')!);
    expect(rows.find((r) => r.id === 'windows.ntfs')).toMatchObject({
      result: 'pass',
      actual: expect.stringMatching(/NTFS/),
    });
    const manual = rows.filter((r) => r.result === 'manualReview').map((r) => r.id);
    expect(manual).toEqual(['windows.sysprep', 'windows.rdp', 'windows.baseImage']);
    expect(rows.some((r) => r.id.startsWith('linux.'))).toBe(false);
    expect(failing(rows)).toEqual([]);
  });

  it('fails as a Linux image, and a Linux image fails as Windows', async () => {
    const asLinux = await certify(built.get('windows')!, { osFamily: 'Linux' });
    expect(failing(asLinux.rows).map((r) => r.id)).toEqual(expect.arrayContaining(['linux.rootFs']));
    const asWindows = await certify(built.get('compliant')!, { osFamily: 'Windows' });
    expect(failing(asWindows.rows).map((r) => r.id)).toEqual(['windows.ntfs']);
  });
});

it('an XFS root is reported for manual review, file by file, not passed', async () => {
  const { rows } = await certify(built.get('xfs')!);
  expect(rows.find((r) => r.id === 'linux.rootFs')).toMatchObject({
    result: 'manualReview',
    actual: expect.stringMatching(/XFS/),
  });
  expect(
    rows.filter((r) => r.id.startsWith('linux.') && r.id !== 'linux.rootFs').every((r) => r.result === 'manualReview'),
  ).toBe(true);
});

it('checks the SAS URL alongside the image, without echoing its signature', async () => {
  const url =
    'https://acct.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&sr=c&sp=rwl&st=2025-02-01T00:00:00Z&se=2025-03-05T00:00:00Z&sig=TOPSECRETSIG%3D';
  const { rows } = await certify(built.get('compliant')!, { url });
  expect(
    failing(rows)
      .map((r) => r.id)
      .sort(),
  ).toEqual(['sas.expiry', 'sas.permissions']);
  expect(JSON.stringify(rows)).not.toContain('TOPSECRETSIG');
});

it('data disks: blank passes, a valid table passes', async () => {
  const blank = buildImage(dir, 'data-blank', { partitions: [], fsIn: null, diskSize: 2 * GiB });
  expect(failing((await certify(blank, { role: 'data' })).rows)).toEqual([]);
  expect(failing((await certify(built.get('compliant')!, { role: 'data' })).rows)).toEqual([]);
});

describe('the HTML report', () => {
  it('shows every row, escaped, with the verdict', async () => {
    const good = await certify(built.get('compliant')!);
    const bad = await certify(built.get('CentOS 6')!);
    const report = buildReport(
      [
        { label: 'plan <a> OS disk', ...good },
        { label: 'plan b OS disk', ...bad },
      ],
      { offer: 'contoso & co', now: NOW },
    );
    expect(report.verdict).toBe('fail');
    const html = renderReportHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('contoso &amp; co');
    expect(html).toContain('plan &lt;a&gt; OS disk');
    expect(html).toContain('CentOS &lt;script&gt;alert(1)&lt;/script&gt; 6');
    expect(html).not.toMatch(/<script/i);
    for (const r of [...good.rows, ...bad.rows])
      expect(html).toContain(r.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect((html.match(/<tr class=/g) ?? []).length).toBe(good.rows.length + bad.rows.length);
    expect(buildReport([{ label: 'ok', ...good }], { now: NOW }).verdict).toBe('pass');
  });
});
