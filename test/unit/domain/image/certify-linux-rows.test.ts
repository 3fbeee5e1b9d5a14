// The self-test rows that read packages, the kernel and the provisioning setup, on the images
// that pass them and the ones that cannot be judged (labelled, never passed).
import fs from 'node:fs';
import { fillerFiles, hvModules, initramfs } from '../../../support/boot-fixtures';
import { certifyBuilt, failing, notPassing, rowOf } from '../../../support/certify-file';
import {
  BuiltImage,
  buildImage,
  compliantTree,
  DEFAULT_PACKAGES,
  dpkgStatus,
  KERNEL,
  kernelConfigText,
  tempDir,
  Tree,
} from '../../../support/image-fixtures';

let dir: string;
let n = 0;
const build = (t: Tree): BuiltImage => buildImage(dir, `rows${n++}`, { tree: t });

function tree(edit: (t: Tree) => void): Tree {
  const t = compliantTree();
  edit(t);
  return t;
}

beforeAll(() => {
  dir = tempDir('rows-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Hyper-V drivers as modules', () => {
  const withInitrd = (data: Buffer) =>
    tree((t) => {
      t[`boot/config-${KERNEL}`] = kernelConfigText('m');
      t[`boot/initrd.img-${KERNEL}`] = data;
    });

  it('pass when a gzip initramfs behind an early microcode archive holds all three', async () => {
    const img = build(
      withInitrd(
        initramfs({
          early: [{ name: 'kernel/x86/microcode/AuthenticAMD.bin', data: 'ucode' }],
          main: [...fillerFiles(200), ...hvModules(KERNEL)],
        }),
      ),
    );
    const r = await certifyBuilt(img);
    expect(notPassing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'linux.hyperv').actual).toBe(
      `kernel ${KERNEL}: hv_vmbus, hv_storvsc, hv_netvsc as modules in /boot/initrd.img-${KERNEL} (cpio + gzip)`,
    );
  });

  it('pass with an uncompressed initramfs (RHEL-style initramfs-<version>.img name)', async () => {
    const t = tree((x) => {
      x[`boot/config-${KERNEL}`] = kernelConfigText('m');
      x[`boot/initramfs-${KERNEL}.img`] = initramfs({
        main: hvModules(KERNEL, undefined, '.ko.xz'),
        compression: 'none',
      });
    });
    expect(rowOf((await certifyBuilt(build(t))).rows, 'linux.hyperv')).toMatchObject({
      result: 'pass',
      actual: expect.stringMatching(/as modules in \/boot\/initramfs-5\.15\.0-1057-azure\.img \(cpio\)$/),
    });
  });

  it('passes with the drivers in a zstd-compressed main archive (Ubuntu and Fedora compress with zstd)', async () => {
    const img = build(
      withInitrd(initramfs({ early: [{ name: 'early', data: 'x' }], main: hvModules(KERNEL), compression: 'zstd' })),
    );
    const row = rowOf((await certifyBuilt(img)).rows, 'linux.hyperv');
    expect(row.result).toBe('pass');
    expect(row.actual).toMatch(/\(cpio \+ zstd\)/);
  });

  it('a zstd archive without the storage driver fails naming it', async () => {
    const main = hvModules(KERNEL).filter((f) => !f.name.includes('hv_storvsc'));
    const img = build(withInitrd(initramfs({ main, compression: 'zstd' })));
    const row = rowOf((await certifyBuilt(img)).rows, 'linux.hyperv');
    expect(row.result).toBe('fail');
    expect(row.actual).toMatch(/hv_storvsc/);
  });

  it('cannot be determined behind a compression this checker does not decompress', async () => {
    const img = build(
      withInitrd(initramfs({ early: [{ name: 'early', data: 'x' }], main: hvModules(KERNEL), compression: 'lzo' })),
    );
    const row = rowOf((await certifyBuilt(img)).rows, 'linux.hyperv');
    expect(row.result).toBe('manualReview');
    expect(row.actual).toMatch(
      /cannot be determined: the main archive is lzo-compressed, which this checker does not decompress \(\/boot\/initrd\.img-\S+ \(cpio \+ lzo\)\)/,
    );
  });

  it('a corrupt gzip stream fails with what was read', async () => {
    const good = initramfs({ main: [...fillerFiles(40), ...hvModules(KERNEL)] });
    const bad = Buffer.from(good);
    bad.fill(0x55, 200, 400);
    const row = rowOf((await certifyBuilt(build(withInitrd(bad)))).rows, 'linux.hyperv');
    expect(row.result).toBe('fail');
    expect(row.actual).toMatch(/could not be read to its end: corrupt gzip data/);
  });

  it('a corrupt zstd stream fails with what was read', async () => {
    const good = initramfs({ main: [...fillerFiles(40), ...hvModules(KERNEL)], compression: 'zstd' });
    const bad = Buffer.from(good);
    bad.fill(0x55, 40, 400);
    const corrupt = rowOf((await certifyBuilt(build(withInitrd(bad)))).rows, 'linux.hyperv');
    expect(corrupt.result).toBe('fail');
    expect(corrupt.actual).toMatch(/invalid zstd data/);
  });

  it('no kernel config is for manual review', async () => {
    const t = tree((x) => delete x[`boot/config-${KERNEL}`]);
    expect(rowOf((await certifyBuilt(build(t))).rows, 'linux.hyperv')).toMatchObject({
      result: 'manualReview',
      actual: expect.stringMatching(/no \/boot\/config-5\.15\.0-1057-azure/),
    });
  });
});

describe('packages', () => {
  it('glibc 2.17 (GHOST) is a warning, as the self-test has it: distributions patched it', async () => {
    const t = tree((x) => (x['var/lib/dpkg/status'] = dpkgStatus({ ...DEFAULT_PACKAGES, libc6: '2.17-93' })));
    const r = await certifyBuilt(build(t));
    expect(failing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'linux.ghost')).toMatchObject({
      result: 'warning',
      testId: '50',
      actual: '2.17 (package libc6 2.17-93 (/var/lib/dpkg/status)): older than 2.18, affected unless patched',
    });
  });

  it('packages that are removed but not purged do not count', async () => {
    const status = dpkgStatus(DEFAULT_PACKAGES).replace(
      /Package: openssl\nStatus: install ok installed/,
      'Package: openssl\nStatus: deinstall ok config-files',
    );
    const t = tree((x) => (x['var/lib/dpkg/status'] = status));
    expect(rowOf((await certifyBuilt(build(t))).rows, 'linux.openssl').actual).toMatch(/package libssl3/);
  });

  const rhel = (extra: Tree) =>
    tree((t) => {
      delete t['var/lib/dpkg/status'];
      t['usr/lib/os-release'] = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.2"\n';
      t['var/lib/rpm/rpmdb.sqlite'] = Buffer.from('SQLite format 3\0');
      Object.assign(t, extra);
    });

  it('an RPM image: versions from the files the packages install, saying so', async () => {
    const img = build(
      rhel({
        'usr/lib64/libssl.so.3.0.7': 'elf',
        'usr/lib64/libssl.so.3': { symlink: 'libssl.so.3.0.7' },
        'usr/bin/python3.9': 'elf',
        'usr/lib64/libc.so.6': 'elf',
      }),
    );
    const r = await certifyBuilt(img);
    expect(rowOf(r.rows, 'linux.openssl')).toMatchObject({
      result: 'pass',
      actual: '3.0.7 (/usr/lib64/libssl.so.3.0.7)',
    });
    expect(rowOf(r.rows, 'linux.python')).toMatchObject({ result: 'pass', actual: '3.9 (/usr/bin/python3.9)' });
    expect(rowOf(r.rows, 'linux.ghost')).toMatchObject({
      result: 'pass',
      actual: expect.stringMatching(/glibc 2\.34 or later/),
    });
  });

  it('an RPM image without such files: cannot be determined, naming the RPM database', async () => {
    const r = await certifyBuilt(build(rhel({})));
    for (const id of ['linux.openssl', 'linux.python', 'linux.ghost'])
      expect(rowOf(r.rows, id)).toMatchObject({
        result: 'manualReview',
        actual: expect.stringMatching(
          /^cannot be determined: the RPM database \/var\/lib\/rpm\/rpmdb\.sqlite is not read by this checker \(SQLite\)/,
        ),
      });
  });
});

describe('SACK (TestID 52)', () => {
  const ubuntu1804 = (kernel: string) =>
    tree((t) => {
      t['usr/lib/os-release'] = 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="18.04"\n';
      t['boot/grub/grub.cfg'] = (t['boot/grub/grub.cfg'] as string).replaceAll(KERNEL, kernel);
      t[`boot/config-${kernel}`] = kernelConfigText('y');
      delete t[`boot/config-${KERNEL}`];
    });

  it('a kernel at the documented minimum passes', async () => {
    expect(rowOf((await certifyBuilt(build(ubuntu1804('4.18.0-1025-azure')))).rows, 'linux.sack')).toMatchObject({
      result: 'pass',
      actual: 'kernel 4.18.0-1025-azure on ubuntu 18.04; minimum 4.18.0-1023',
    });
  });

  it('a kernel line with no documented minimum for the distribution is for manual review', async () => {
    expect(rowOf((await certifyBuilt(build(ubuntu1804('4.15.0-150-generic')))).rows, 'linux.sack')).toMatchObject({
      result: 'manualReview',
      actual: 'kernel 4.15.0-150-generic on ubuntu 18.04: no documented minimum for this kernel line',
    });
  });

  it('Debian 10: judged by the linux-image package version, not the ABI in uname', async () => {
    const debian = (pkg: string) =>
      tree((t) => {
        const k = '4.19.0-5-cloud-amd64';
        t['usr/lib/os-release'] = 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="10"\n';
        t['boot/grub/grub.cfg'] = (t['boot/grub/grub.cfg'] as string).replaceAll(KERNEL, k);
        t[`boot/config-${k}`] = kernelConfigText('y');
        t['var/lib/dpkg/status'] = dpkgStatus({ ...DEFAULT_PACKAGES, [`linux-image-${k}`]: pkg });
      });
    expect(rowOf((await certifyBuilt(build(debian('4.19.37-5')))).rows, 'linux.sack').result).toBe('pass');
    expect(rowOf((await certifyBuilt(build(debian('4.19.28-2')))).rows, 'linux.sack')).toMatchObject({
      result: 'fail',
      actual: 'kernel 4.19.0-5-cloud-amd64 (package 4.19.28-2) on debian 10; minimum 4.19.37-5',
    });
  });
});

it('the minimum agent version is a setting', async () => {
  const r = await certifyBuilt(build(compliantTree()), { minAgentVersion: '2.9.2' });
  expect(failing(r.rows).map((x) => x.id)).toEqual(['linux.agentVersion']);
  expect(rowOf(r.rows, 'linux.agentVersion')).toMatchObject({
    name: 'Azure Linux Agent installed (≥ 2.9.2)',
    testId: '39',
  });
});

describe('cloud-init as the provisioning agent (where the plan says so)', () => {
  const cloud = (cfg: string, agent = 'auto') =>
    tree((t) => {
      t['usr/bin/cloud-init'] = '#!/usr/bin/python3\n';
      t['etc/cloud/cloud.cfg'] = 'users:\n  - default\ndatasource_list: [ NoCloud, ConfigDrive ]\n';
      t['etc/cloud/cloud.cfg.d/90-azure.cfg'] = cfg;
      t['etc/waagent.conf'] = (t['etc/waagent.conf'] as string)
        .replace('Provisioning.Agent=auto', `Provisioning.Agent=${agent}`)
        .replace('Provisioning.DeleteRootPassword=y', 'Provisioning.DeleteRootPassword=n');
    });

  it("passes with the Azure datasource; the agent's Provisioning.* rows no longer apply", async () => {
    const r = await certifyBuilt(build(cloud('datasource_list:\n  - Azure\n')), { provisioning: 'cloud-init' });
    expect(failing(r.rows)).toEqual([]);
    expect(rowOf(r.rows, 'linux.cloudInit').actual).toBe(
      'datasource_list: [ Azure ] in /etc/cloud/cloud.cfg.d/90-azure.cfg',
    );
    expect(r.rows.some((x) => x.id === 'linux.deleteRootPassword')).toBe(false);
  });

  it('fails without the Azure datasource, or with waagent still provisioning', async () => {
    const noAzure = await certifyBuilt(build(cloud('# nothing\n')), { provisioning: 'cloud-init' });
    expect(failing(noAzure.rows).map((x) => x.id)).toEqual(['linux.cloudInit']);
    expect(rowOf(noAzure.rows, 'linux.cloudInit').actual).toBe(
      'datasource_list: [ NoCloud, ConfigDrive ] in /etc/cloud/cloud.cfg',
    );
    const both = await certifyBuilt(build(cloud("datasource_list: ['Azure']\n", 'waagent')), {
      provisioning: 'cloud-init',
    });
    expect(rowOf(both.rows, 'linux.cloudInit').actual).toMatch(
      /but \/etc\/waagent\.conf has Provisioning\.Agent=waagent$/,
    );
  });

  it('on a plan provisioned by the agent, the cloud-init row is not made', async () => {
    const r = await certifyBuilt(build(compliantTree()));
    expect(r.rows.some((x) => x.id === 'linux.cloudInit')).toBe(false);
  });
});
