// The Linux image checks that read files from the root filesystem (marketplace.md, "Linux
// image"). Each returns one row; a missing file is a finding, a corrupt filesystem an error
// (turned into a failing row by the caller).
import {
  blsOptions,
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
} from './config-files';
import { Ext4 } from './ext4';
import { Ext4Error, isNotFound } from './ext4-errors';
import { CheckRow } from './footer-checks';
import { allowedArches, declaredLabel } from './image-types';
import { DEFAULT_LINUX_CONTEXT, LinuxContext } from './linux-context';

export const KERNEL_ARGS = ['console=ttyS0', 'earlyprintk=ttyS0', 'rootdelay=300'] as const;
export const MAX_HISTORY_BYTES = 1024;

/** A file's text, or undefined when it does not exist (corruption still throws). */
export async function readOptional(fs: Ext4, path: string): Promise<string | undefined> {
  try {
    return await fs.readText(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function listOptional(fs: Ext4, path: string): Promise<string[]> {
  try {
    return (await fs.readdir(path)).map((e) => e.name).sort();
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

const WAAGENT_CONF = '/etc/waagent.conf';

export async function waagentConfRows(fs: Ext4): Promise<CheckRow[]> {
  const text = await readOptional(fs, WAAGENT_CONF);
  const present: CheckRow = {
    id: 'linux.waagentConf',
    name: 'Azure Linux Agent configuration present',
    result: text === undefined ? 'fail' : 'pass',
    actual: text === undefined ? `${WAAGENT_CONF} not found` : `${WAAGENT_CONF} (${Buffer.byteLength(text)} bytes)`,
    expected: `${WAAGENT_CONF}`,
    fix: 'Install the Azure Linux Agent from your distribution (package walinuxagent / WALinuxAgent), which ships /etc/waagent.conf.',
  };
  const conf = parseKeyValue(text ?? '');
  const fstab = (await readOptional(fs, '/etc/fstab')) ?? '';
  const swaps = fstabSwaps(fstab);
  const enableSwap = conf.get('ResourceDisk.EnableSwap');
  // Swap is fine on the resource disk (EnableSwap=y) or absent; on the OS disk it is not.
  const swapOk = swaps.length === 0;
  const swap: CheckRow = {
    id: 'linux.resourceDiskSwap',
    name: 'Swap on the resource disk, not the OS disk',
    result: swapOk ? 'pass' : 'fail',
    actual: [
      `ResourceDisk.EnableSwap=${enableSwap ?? '(not set)'}`,
      swaps.length ? `/etc/fstab mounts swap from ${swaps.join(', ')}` : 'no swap in /etc/fstab',
    ].join('; '),
    expected: 'ResourceDisk.EnableSwap=y (or no swap at all), and no swap in /etc/fstab',
    fix: swaps.length
      ? 'Remove the swap entries from /etc/fstab (swap on the OS disk slows it down and is lost on resize); set ResourceDisk.EnableSwap=y and ResourceDisk.SwapSizeMB=<MiB> in /etc/waagent.conf.'
      : 'Set ResourceDisk.EnableSwap=y and ResourceDisk.SwapSizeMB=<MiB> in /etc/waagent.conf.',
  };
  const del = conf.get('Provisioning.DeleteRootPassword');
  const deleteRoot: CheckRow = {
    id: 'linux.deleteRootPassword',
    name: 'Provisioning.DeleteRootPassword=y',
    result: del === 'y' ? 'pass' : 'fail',
    actual: text === undefined ? `${WAAGENT_CONF} not found` : `Provisioning.DeleteRootPassword=${del ?? '(not set)'}`,
    expected: 'Provisioning.DeleteRootPassword=y',
    fix: `Set Provisioning.DeleteRootPassword=y in ${WAAGENT_CONF} so no root password survives provisioning.`,
  };
  return [present, swap, deleteRoot];
}

const AGENT_ENTRY_POINTS = ['/usr/sbin/waagent', '/usr/bin/waagent', '/usr/local/sbin/waagent'];
const PYTHON_LIBS = ['/usr/lib', '/usr/lib64', '/usr/local/lib'];

interface AgentFound {
  version: string;
  where: string;
}

/** The installed agent's version: the Python package's version.py, its egg/dist-info, or a 2.0 script. */
async function findAgentVersion(fs: Ext4, entry: string): Promise<AgentFound | undefined> {
  for (const lib of PYTHON_LIBS) {
    for (const py of (await listOptional(fs, lib)).filter((n) => /^python[23](\.\d+)?$/.test(n))) {
      for (const pkgs of ['dist-packages', 'site-packages']) {
        const dir = `${lib}/${py}/${pkgs}`;
        const names = await listOptional(fs, dir);
        if (names.includes('azurelinuxagent')) {
          const file = `${dir}/azurelinuxagent/common/version.py`;
          const m = /^AGENT_VERSION\s*=\s*['"]([\d.]+)['"]/m.exec((await readOptional(fs, file)) ?? '');
          if (m) return { version: m[1], where: file };
        }
        const info = names
          .map((n) => /^WALinuxAgent-([\d.]+?)(?:-py[\d.]+)?\.(?:egg|dist)-info$/.exec(n))
          .find(Boolean);
        if (info) return { version: info[1], where: `${dir}/${info[0]}` };
      }
    }
  }
  // WALinuxAgent 2.0 was a single script carrying its version.
  const m = /GuestAgentVersion\s*=\s*["']WALinuxAgent-([\d.]+)/.exec((await readOptional(fs, entry)) ?? '');
  return m ? { version: m[1], where: entry } : undefined;
}

export async function agentRow(fs: Ext4, ctx: LinuxContext = DEFAULT_LINUX_CONTEXT): Promise<CheckRow> {
  const min = ctx.minAgentVersion;
  const base = {
    id: 'linux.agentVersion',
    name: `Azure Linux Agent installed (≥ ${min})`,
    expected: `waagent ${min} or later`,
  };
  const fix = `Install or update the distribution's Azure Linux Agent package (walinuxagent / WALinuxAgent, ${min} or later) and enable its service.`;
  let entry: string | undefined;
  for (const p of AGENT_ENTRY_POINTS) if (await fs.exists(p)) entry = entry ?? p;
  if (!entry) return { ...base, result: 'fail', actual: `waagent not found (${AGENT_ENTRY_POINTS.join(', ')})`, fix };
  const found = await findAgentVersion(fs, entry);
  if (!found)
    return {
      ...base,
      result: 'manualReview',
      actual: `${entry} present; its version could not be determined`,
      fix: 'Check the agent version in the image (waagent --version).',
    };
  const ok = compareVersions(found.version, min) >= 0;
  return { ...base, result: ok ? 'pass' : 'fail', actual: `${found.version} (${found.where})`, fix };
}

const SSHD = '/etc/ssh/sshd_config';

/** The first ClientAliveInterval sshd would use, following Include directives (bounded). */
async function clientAliveInterval(
  fs: Ext4,
  file: string,
  depth: number,
): Promise<{ value: string; file: string } | undefined> {
  const text = await readOptional(fs, file);
  if (text === undefined || depth > 4) return undefined;
  for (const line of sshdGlobalLines(text)) {
    if (line.keyword === 'clientaliveinterval' && line.args[0] !== undefined) return { value: line.args[0], file };
    if (line.keyword !== 'include') continue;
    for (const pattern of line.args) {
      for (const inc of await expandGlob(fs, pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`)) {
        const found = await clientAliveInterval(fs, inc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** A glob with wildcards in the last component only (what sshd_config Include lines use). */
async function expandGlob(fs: Ext4, pattern: string): Promise<string[]> {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash) || '/';
  const last = pattern.slice(slash + 1);
  if (!/[*?]/.test(last)) return [pattern];
  const re = new RegExp(
    `^${last
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (await listOptional(fs, dir)).filter((n) => re.test(n)).map((n) => `${dir}/${n}`);
}

export async function sshRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.sshClientAlive',
    name: 'SSH ClientAliveInterval',
    expected: '30–235 seconds (180 recommended)',
  };
  const fix = `Set "ClientAliveInterval 180" in ${SSHD} (before any Match block).`;
  if (!(await fs.exists(SSHD)))
    return {
      ...base,
      result: 'fail',
      actual: `${SSHD} not found (is the OpenSSH server installed?)`,
      fix: `Install the OpenSSH server and set "ClientAliveInterval 180" in ${SSHD}.`,
    };
  const found = await clientAliveInterval(fs, SSHD, 0);
  if (!found) return { ...base, result: 'fail', actual: 'not set (sshd default 0: no keep-alive)', fix };
  const seconds = sshdSeconds(found.value);
  const ok = seconds !== undefined && seconds >= 30 && seconds <= 235;
  return {
    ...base,
    result: ok ? 'pass' : 'fail',
    actual: `${found.value}${seconds !== undefined && String(seconds) !== found.value ? ` (${seconds} s)` : ''} in ${found.file}`,
    fix,
  };
}

const GRUB_CFGS = ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];

/** The kernel command line the image boots with, and where it was read. */
async function bootCmdline(fs: Ext4): Promise<{ cmdline: string; source: string } | undefined> {
  for (const cfg of GRUB_CFGS) {
    const text = await readOptional(fs, cfg);
    if (text === undefined) continue;
    if (/^\s*blscfg\b/m.test(text)) {
      // RHEL 8+: entries in /boot/loader/entries, options possibly through $kernelopts in grubenv.
      for (const name of (await listOptional(fs, '/boot/loader/entries')).filter((n) => n.endsWith('.conf'))) {
        let opts = blsOptions((await readOptional(fs, `/boot/loader/entries/${name}`)) ?? '');
        if (opts?.includes('$kernelopts')) {
          const env = parseKeyValue((await readOptional(fs, cfg.replace('grub.cfg', 'grubenv'))) ?? '');
          opts = opts.replace('$kernelopts', env.get('kernelopts') ?? '');
        }
        if (opts !== undefined) return { cmdline: opts, source: `/boot/loader/entries/${name}` };
      }
    }
    const line = grubCfgCmdline(text);
    if (line !== undefined) return { cmdline: line, source: cfg };
  }
  return undefined;
}

export async function kernelCmdlineRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.kernelCmdline',
    name: 'Kernel command line for the Azure serial console',
    expected: KERNEL_ARGS.join(' '),
  };
  const defaults = [await readOptional(fs, '/etc/default/grub')];
  for (const n of (await listOptional(fs, '/etc/default/grub.d')).filter((x) => x.endsWith('.cfg')))
    defaults.push(await readOptional(fs, `/etc/default/grub.d/${n}`));
  const vars = grubDefaults(defaults.filter((t): t is string => t !== undefined));
  const configured = [vars.get('GRUB_CMDLINE_LINUX'), vars.get('GRUB_CMDLINE_LINUX_DEFAULT')]
    .filter((v) => v !== undefined)
    .join(' ');
  const booted = await bootCmdline(fs);
  if (!booted && !vars.size) {
    return {
      ...base,
      result: 'fail',
      actual: 'no GRUB configuration found (/etc/default/grub, /boot/grub*/grub.cfg)',
      fix: `Install GRUB and add "${KERNEL_ARGS.join(' ')}" to GRUB_CMDLINE_LINUX in /etc/default/grub, then run update-grub (or grub2-mkconfig -o /boot/grub2/grub.cfg).`,
    };
  }
  const cmdline = booted ? booted.cmdline : configured;
  const source = booted ? booted.source : '/etc/default/grub';
  const missing = missingKernelArgs(cmdline, KERNEL_ARGS);
  const stale = booted && missing.length && !missingKernelArgs(configured, KERNEL_ARGS).length;
  return {
    ...base,
    result: missing.length ? 'fail' : 'pass',
    actual: missing.length
      ? `${source} lacks ${missing.join(' ')} (has: ${cmdline || 'nothing'})`
      : `${source}: ${cmdline}`,
    fix: stale
      ? `/etc/default/grub has the parameters but ${source} was not regenerated: run update-grub (or grub2-mkconfig -o ${source}) before capturing the image.`
      : `Add "${missing.join(' ')}" to GRUB_CMDLINE_LINUX in /etc/default/grub, then run update-grub (or grub2-mkconfig -o /boot/grub2/grub.cfg).`,
  };
}

export async function bashHistoryRow(fs: Ext4): Promise<CheckRow> {
  const homes = ['/root'];
  try {
    // walk() rather than readdir: a /home entry that loops back to / or /home is reported, not followed.
    await fs.walk('/home', (e) => void (e.type === 'dir' && homes.push(e.path)), { maxDepth: 1, maxEntries: 5000 });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const found: string[] = [];
  const tooBig: string[] = [];
  for (const home of homes) {
    const file = `${home}/.bash_history`;
    let st;
    try {
      st = await fs.lstat(file);
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    if (st.type === 'symlink') {
      found.push(`${file} → ${await fs.readlink(file)}`);
      continue;
    }
    found.push(`${file} ${st.size} bytes`);
    if (st.size > MAX_HISTORY_BYTES) tooBig.push(`${file} (${st.size} bytes)`);
  }
  return {
    id: 'linux.bashHistory',
    name: 'Bash history cleared (root and users)',
    result: tooBig.length ? 'fail' : 'pass',
    actual: tooBig.length
      ? `too large: ${tooBig.join(', ')}`
      : found.length
        ? found.join(', ')
        : `no .bash_history in ${homes.join(', ')}`,
    expected: `each .bash_history ≤ ${MAX_HISTORY_BYTES} bytes`,
    fix: 'Clear shell history before capturing: rm -f /root/.bash_history /home/*/.bash_history; export HISTSIZE=0 in the session that deprovisions (waagent -deprovision+user; history -c).',
  };
}

export async function rootPasswordRow(fs: Ext4): Promise<CheckRow> {
  const base = {
    id: 'linux.rootPasswordLocked',
    name: 'Root password locked',
    expected: 'root password field starting with ! or * in /etc/shadow',
  };
  const fix =
    'Lock the root password (passwd -l root, or usermod -p "*" root) and keep Provisioning.DeleteRootPassword=y.';
  const text = await readOptional(fs, '/etc/shadow');
  if (text === undefined)
    return {
      ...base,
      result: 'fail',
      actual: '/etc/shadow not found',
      fix: 'Restore /etc/shadow (pwconv) and lock the root password (passwd -l root).',
    };
  const entry = shadowEntry(text, 'root');
  if (!entry) return { ...base, result: 'fail', actual: 'no root entry in /etc/shadow', fix };
  const pw = entry[1] ?? '';
  if (pw === '') return { ...base, result: 'fail', actual: 'empty: root can log in without a password', fix };
  if (pw.startsWith('!') || pw.startsWith('*'))
    return { ...base, result: 'pass', actual: `locked (${pw.startsWith('!') ? '!' : '*'}…)` };
  // Never echo the hash itself: only its scheme.
  const scheme = /^\$([^$]+)\$/.exec(pw)?.[1];
  return { ...base, result: 'fail', actual: `a password is set${scheme ? ` (hash scheme $${scheme}$)` : ''}`, fix };
}

const SHELLS = ['/bin/sh', '/usr/bin/bash', '/bin/bash'];

export async function archRow(fs: Ext4, ctx: LinuxContext = DEFAULT_LINUX_CONTEXT): Promise<CheckRow> {
  const arches: string[] = allowedArches(ctx.imageTypes);
  const base = {
    id: 'linux.arch64',
    name: '64-bit operating system',
    expected: `ELF class 64 (${arches.join(' or ')}) for /bin/sh`,
  };
  let firstError: unknown;
  for (const path of SHELLS) {
    let head: Buffer;
    try {
      head = await fs.readRange(path, 0, 64);
    } catch (e) {
      // A missing or broken /bin/sh (e.g. a symlink loop) still leaves the other shells to look at.
      if (!(e instanceof Ext4Error)) throw e;
      if (!isNotFound(e)) firstError ??= e;
      continue;
    }
    const st = await fs.stat(path);
    const elf = elfInfo(head);
    const where = st.path === path ? path : `${path} → ${st.path}`;
    if (!elf)
      return {
        ...base,
        result: 'fail',
        actual: `${where} is not an ELF binary`,
        fix: 'The shell is missing or damaged: reinstall bash/dash.',
      };
    const is64 = elf.bits === 64 && (elf.machine === 'x86-64' || elf.machine === 'aarch64');
    const ok = is64 && arches.includes(elf.machine);
    const found = `${where}: ELF ${elf.bits ?? '?'}-bit ${elf.machine}`;
    return {
      ...base,
      result: ok ? 'pass' : 'fail',
      actual: is64 && !ok ? `${found}; ${declaredLabel(ctx.imageTypes)}` : found,
      fix: is64
        ? 'The binaries are built for another architecture than the plan declares: build the image for the declared architecture, or correct the image types of the plan (Arm64 for aarch64 images).'
        : `Azure Marketplace images must be 64-bit: build the image from a 64-bit (${arches.join(' or ')}) installation.`,
    };
  }
  if (firstError) throw firstError as Error;
  return {
    ...base,
    result: 'fail',
    actual: `no shell found (${SHELLS.join(', ')})`,
    fix: 'Install a shell (bash or dash) in the image.',
  };
}

/** Minimum VERSION_ID per os-release ID; 0 = any version. */
export const SUPPORTED_DISTROS: Record<string, { name: string; min: string }> = {
  ubuntu: { name: 'Ubuntu', min: '18.04' },
  debian: { name: 'Debian', min: '10' },
  rhel: { name: 'Red Hat Enterprise Linux', min: '7' },
  centos: { name: 'CentOS', min: '7' },
  rocky: { name: 'Rocky Linux', min: '7' },
  almalinux: { name: 'AlmaLinux', min: '7' },
  sles: { name: 'SUSE Linux Enterprise Server', min: '12' },
  sles_sap: { name: 'SUSE Linux Enterprise Server for SAP', min: '12' },
  ol: { name: 'Oracle Linux', min: '7' },
  mariner: { name: 'CBL-Mariner', min: '0' },
  azurelinux: { name: 'Azure Linux', min: '0' },
};

export async function distroRow(fs: Ext4): Promise<CheckRow> {
  const list = Object.values(SUPPORTED_DISTROS)
    .map((d) => `${d.name}${d.min === '0' ? '' : ` ≥ ${d.min}`}`)
    .join(', ');
  const base = { id: 'linux.distro', name: 'Supported distribution and version', expected: list };
  const fix = 'Build the image from an endorsed distribution at a supported version (see the expected list).';
  const text = (await readOptional(fs, '/etc/os-release')) ?? (await readOptional(fs, '/usr/lib/os-release'));
  if (text === undefined)
    return {
      ...base,
      result: 'fail',
      actual: 'no /etc/os-release or /usr/lib/os-release',
      fix: "Restore /etc/os-release (it comes with the distribution's base-files / *-release package).",
    };
  const osr = parseOsRelease(text);
  const id = osr.get('ID') ?? '';
  const version = osr.get('VERSION_ID') ?? '';
  const pretty = osr.get('PRETTY_NAME') ?? `${id} ${version}`;
  const known = SUPPORTED_DISTROS[id];
  const ok = known !== undefined && version !== '' && compareVersions(version, known.min) >= 0;
  return {
    ...base,
    result: ok ? 'pass' : 'fail',
    actual: `${pretty} (ID=${id || '?'}, VERSION_ID=${version || '?'})`,
    fix,
  };
}
