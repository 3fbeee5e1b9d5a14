// Certification of a Linux OS disk: partition layout, then the root filesystem and the files the
// marketplace rules are about. A corrupt or hostile filesystem turns into failing rows (one per
// check that could not be read); only a blown read budget stops the whole disk.
import { autoUpdateRow } from './auto-update-check';
import { BudgetExceeded } from './block-source';
import { ByteSource } from './byte-source';
import { cloudInitRow } from './cloud-init-checks';
import { espRows, readEsp } from './efi-checks';
import { Ext4 } from './ext4';
import { Ext4Error } from './ext4-errors';
import { CheckRow } from './footer-checks';
import { FS_NAMES, probeFilesystem } from './fs-probe';
import { tableRows } from './generation-checks';
import { gptType } from './gpt-types';
import { hypervRow } from './hyperv-checks';
import { wantsUefi } from './image-types';
import { DEFAULT_LINUX_CONTEXT, LinuxContext } from './linux-context';
import {
  agentRow,
  archRow,
  bashHistoryRow,
  distroRow,
  kernelCmdlineRow,
  rootPasswordRow,
  sshRow,
  waagentConfRows,
} from './linux-file-checks';
import { ghostRow, opensslRow, pythonRow } from './package-checks';
import { linuxPartitionRows, ProbedPartition, probePartitions } from './partition-checks';
import { describe, PartitionTable, TYPE } from './partitions';
import { sackRow } from './sack-checks';

type Progress = (message: string) => void;

interface FileCheck {
  id: string;
  name: string;
  expected: string;
  /** Undefined: every image; else only where the plan's declarations make the rule apply. */
  applies?(ctx: LinuxContext): boolean;
  run(fs: Ext4, ctx: LinuxContext): Promise<CheckRow | CheckRow[]>;
}

const byCloudInit = (ctx: LinuxContext) => ctx.provisioning === 'cloud-init';

export const LINUX_FILE_CHECKS: FileCheck[] = [
  {
    id: 'linux.waagentConf',
    name: 'Azure Linux Agent configuration',
    expected: '/etc/waagent.conf with EnableSwap/DeleteRootPassword',
    // Provisioning.* settings are the agent's only when the agent provisions.
    run: async (fs, ctx) =>
      (await waagentConfRows(fs)).filter((r) => !(byCloudInit(ctx) && r.id === 'linux.deleteRootPassword')),
  },
  {
    id: 'linux.cloudInit',
    name: 'cloud-init provisions through the Azure datasource',
    expected: 'datasource_list: [ Azure ]',
    applies: byCloudInit,
    run: cloudInitRow,
  },
  { id: 'linux.agentVersion', name: 'Azure Linux Agent installed', expected: 'waagent 2.2.41 or later', run: agentRow },
  {
    id: 'linux.agentAutoUpdate',
    name: 'Azure Linux Agent auto-update enabled',
    expected: 'AutoUpdate.Enabled=y',
    run: autoUpdateRow,
  },
  { id: 'linux.sshClientAlive', name: 'SSH ClientAliveInterval', expected: '30–235 seconds', run: sshRow },
  {
    id: 'linux.kernelCmdline',
    name: 'Kernel command line for the Azure serial console',
    expected: 'console=ttyS0 earlyprintk=ttyS0 rootdelay=300',
    run: kernelCmdlineRow,
  },
  {
    id: 'linux.hyperv',
    name: 'Hyper-V drivers available at boot',
    expected: 'hv_vmbus, hv_storvsc, hv_netvsc built in or in the initramfs',
    run: (fs) => hypervRow(fs),
  },
  { id: 'linux.sack', name: 'Kernel patched for TCP SACK', expected: 'the documented minimum kernel', run: sackRow },
  { id: 'linux.bashHistory', name: 'Bash history cleared', expected: '≤ 1 KB per user', run: bashHistoryRow },
  {
    id: 'linux.rootPasswordLocked',
    name: 'Root password locked',
    expected: '! or * in /etc/shadow',
    run: rootPasswordRow,
  },
  { id: 'linux.arch64', name: '64-bit operating system', expected: '64-bit ELF /bin/sh', run: archRow },
  { id: 'linux.openssl', name: 'OpenSSL version', expected: 'OpenSSL 0.9.8 or later', run: opensslRow },
  { id: 'linux.python', name: 'Python version', expected: 'Python 2.6 or later', run: pythonRow },
  {
    id: 'linux.ghost',
    name: 'glibc not affected by GHOST (CVE-2015-0235)',
    expected: 'glibc 2.18 or later',
    run: ghostRow,
  },
  {
    id: 'linux.distro',
    name: 'Supported distribution and version',
    expected: 'an endorsed distribution',
    run: distroRow,
  },
];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A check that threw: a failing row naming what was unreadable. Budget errors end the disk. */
function errorRow(check: { id: string; name: string; expected: string }, e: unknown): CheckRow {
  if (e instanceof BudgetExceeded) throw e;
  return {
    id: check.id,
    name: check.name,
    result: 'fail',
    actual: `could not be checked: ${message(e)}`,
    expected: check.expected,
    fix:
      e instanceof Ext4Error && e.code === 'unsupported'
        ? 'Use a standard ext4 root filesystem (mkfs.ext4 defaults) for the OS disk.'
        : 'The root filesystem is damaged or inconsistent: run e2fsck -f on it (from a rescue system), shut the VM down cleanly, and create the VHD again.',
  };
}

/** Appends one or more rows per check to `rows` as it goes, so a blown budget keeps what was found. */
export async function runFileChecks(
  fs: Ext4,
  rows: CheckRow[],
  onProgress?: Progress,
  ctx: LinuxContext = DEFAULT_LINUX_CONTEXT,
): Promise<void> {
  for (const check of LINUX_FILE_CHECKS) {
    if (check.applies && !check.applies(ctx)) continue;
    onProgress?.(`checking ${check.name}`);
    try {
      const r = await check.run(fs, ctx);
      rows.push(...(Array.isArray(r) ? r : [r]));
    } catch (e) {
      rows.push(errorRow(check, e));
    }
  }
}

/** Rows marking every file check as not done, when the root filesystem cannot be read by this checker. */
function notChecked(reason: string, ctx: LinuxContext): CheckRow[] {
  return LINUX_FILE_CHECKS.filter((c) => !c.applies || c.applies(ctx)).map((c) => ({
    id: c.id,
    name: c.name,
    result: 'manualReview' as const,
    actual: `not checked: ${reason}`,
    expected: c.expected,
    fix: 'Verify this by hand in a VM booted from the image.',
  }));
}

interface RootFound {
  part: ProbedPartition;
  fs: Ext4;
}

/** Linux root partition types first (the Discoverable Partitions GUIDs), then the rest in table order. */
const rootFirst = (parts: ProbedPartition[]) =>
  [...parts].sort(
    (a, b) =>
      Number(gptType(b.typeGuid ?? '').role === 'linuxRoot') - Number(gptType(a.typeGuid ?? '').role === 'linuxRoot'),
  );

/** The partition holding / : an ext filesystem with an /etc directory. */
async function findRoot(parts: ProbedPartition[], errors: string[]): Promise<RootFound | undefined> {
  for (const part of rootFirst(parts)) {
    if (part.fs !== 'ext' || !part.source) continue;
    try {
      const fs = await Ext4.open(part.source);
      if ((await fs.stat('/etc')).type === 'dir') return { part, fs };
      errors.push(`${describe(part)}: no /etc directory`);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      errors.push(`${describe(part)}: ${message(e)}`);
    }
  }
  return undefined;
}

const ROOT_FS = {
  id: 'linux.rootFs',
  name: 'Root filesystem (ext2/3/4)',
  expected: 'an ext2/3/4 filesystem with /etc on the root partition',
};

/** Appends the OS disk's rows to `rows` as they are found (a blown budget keeps the ones so far). */
export async function checkLinuxOsDisk(
  disk: ByteSource,
  table: PartitionTable,
  rows: CheckRow[],
  onProgress?: Progress,
  ctx: LinuxContext = DEFAULT_LINUX_CONTEXT,
): Promise<void> {
  // Without a partition table, a filesystem written straight onto the disk is still examined, so the
  // partner sees every finding at once.
  const whole: ProbedPartition = {
    number: 0,
    type: TYPE.linux,
    typeName: 'whole disk',
    bootable: false,
    startLba: 0,
    sectors: Math.floor(disk.size / 512),
    logical: false,
    fs: 'unknown',
    source: disk,
  };
  const parts =
    table.scheme === 'none' ? [{ ...whole, fs: await probeFilesystem(disk) }] : await probePartitions(disk, table);
  // The ESP's boot loaders tell a Generation 2 disk from an Arm64 one, also when the plan expects neither.
  const esp = table.scheme === 'gpt' ? await readEsp(parts) : undefined;
  rows.push(...tableRows(table, ctx.imageTypes, esp?.loaders ?? []));
  if (esp && wantsUefi(ctx.imageTypes)) rows.push(...espRows(esp, ctx.imageTypes));
  if (table.scheme !== 'none') rows.push(...linuxPartitionRows(parts));
  onProgress?.('reading the root filesystem');
  const errors: string[] = [];
  const root = await findRoot(parts, errors);
  if (!root) {
    const other = parts.find((p) => p.fs === 'xfs' || p.fs === 'btrfs');
    if (other && !errors.length) {
      rows.push({
        ...ROOT_FS,
        result: 'manualReview',
        actual: `${FS_NAMES[other.fs]} on ${describe(other)}: this checker reads only ext2/3/4`,
        fix: 'Review the image by hand, or use ext4 for the root filesystem.',
      });
      rows.push(...notChecked(`the root filesystem is ${FS_NAMES[other.fs]}`, ctx));
      return;
    }
    const seen = parts.map((p) => `${describe(p)}: ${FS_NAMES[p.fs]}`).join('; ') || 'no partitions';
    rows.push({
      ...ROOT_FS,
      result: 'fail',
      actual: errors.length ? errors.join('; ') : seen,
      fix: 'The OS disk needs one Linux partition holding an ext4 root filesystem; check that the VHD was made from the whole disk (not a single partition) and is not damaged.',
    });
    return;
  }
  const { sb } = root.fs;
  const size = `${Math.round((sb.blocksCount * sb.blockSize) / 2 ** 20)} MiB`;
  rows.push({
    ...ROOT_FS,
    result: 'pass',
    actual: `${sb.flavour} on ${describe(root.part)}: ${size}, ${sb.blockSize}-byte blocks${sb.volumeName ? `, label "${sb.volumeName}"` : ''}`,
  });
  if (sb.needsRecovery) {
    rows.push({
      id: 'linux.fsClean',
      name: 'Root filesystem cleanly unmounted',
      result: 'warning',
      actual: 'the journal needs recovery',
      expected: 'a clean filesystem',
      fix: 'Shut the VM down cleanly (after waagent -deprovision) before capturing the disk.',
    });
  }
  await runFileChecks(root.fs, rows, onProgress, ctx);
}
