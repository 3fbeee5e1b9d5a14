// Parsers for the Linux configuration files certification reads: tolerant of comments, quoting
// and odd spacing, never executing anything (a shell file is read, not sourced).

/** waagent.conf: `Key=Value` lines; later lines override earlier ones, as the agent reads them. */
export function parseKeyValue(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

/** os-release: shell-style assignments with optional quotes. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(raw);
    if (m) out.set(m[1], unquote(m[2].trim()));
  }
  return out;
}

function unquote(v: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(v);
  if (m) return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  return v.replace(/\s+#.*$/, '');
}

/**
 * The value of GRUB_CMDLINE_LINUX / _DEFAULT after reading /etc/default/grub and its grub.d
 * snippets in order, expanding `$VAR` references to those two variables (what update-grub does
 * when it sources them).
 */
export function grubDefaults(files: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const text of files) {
    for (const raw of text.split('\n')) {
      const m = /^\s*(?:export\s+)?(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$/.exec(raw);
      if (!m) continue;
      const value = unquote(m[2].trim()).replace(
        /\$\{?(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)\}?/g,
        (_, name: string) => vars.get(name) ?? '',
      );
      vars.set(m[1], value);
    }
  }
  return vars;
}

/** Kernel arguments of the first `linux` line of a grub.cfg (the default entry in generated files). */
export function grubCfgCmdline(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const m = /^\s*linux(?:16|efi)?\s+(\S+)(.*)$/.exec(raw);
    if (m) return m[2].trim();
  }
  return undefined;
}

/** `options` of a Boot Loader Specification entry (/boot/loader/entries/*.conf, RHEL 8+). */
export function blsOptions(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const m = /^\s*options\s+(.*)$/.exec(raw);
    if (m) return m[1].trim();
  }
  return undefined;
}

/** Which of `required` (e.g. `console=ttyS0`) the command line has; `console=ttyS0,115200n8` counts. */
export function missingKernelArgs(cmdline: string, required: readonly string[]): string[] {
  const tokens = cmdline.split(/\s+/).filter(Boolean);
  return required.filter((r) => !tokens.some((t) => t === r || t.startsWith(`${r},`)));
}

export interface SshdLine {
  keyword: string;
  args: string[];
}

/** sshd_config lines outside Match blocks (Match sections apply only to some connections). */
export function sshdGlobalLines(text: string): SshdLine[] {
  const out: SshdLine[] = [];
  let inMatch = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    const keyword = (m ? m[1] : line).toLowerCase();
    const args = m ? m[2].split(/\s+/).filter(Boolean) : [];
    if (keyword === 'match') {
      inMatch = !(args.length === 1 && args[0].toLowerCase() === 'all');
      continue;
    }
    if (!inMatch) out.push({ keyword, args });
  }
  return out;
}

/** sshd time values: `180`, `3m`, `1m30s`. Undefined when not a valid time. */
export function sshdSeconds(v: string): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (!/^(\d+[smhdwSMHDW])+$/.test(v)) return undefined;
  let total = 0;
  for (const [, n, u] of v.matchAll(/(\d+)([smhdwSMHDW])/g)) total += Number(n) * units[u.toLowerCase()];
  return total;
}

/** Fields of one user's /etc/shadow line, or undefined when the user is not listed. */
export function shadowEntry(text: string, user: string): string[] | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user) return fields;
  }
  return undefined;
}

/** Swap entries (device or file) in an fstab. */
export function fstabSwaps(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length >= 3 && fields[2] === 'swap') out.push(fields[0]);
  }
  return out;
}

/** Compares dotted versions numerically ("2.2.10" > "2.2.9"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export interface ElfInfo {
  bits: 32 | 64 | undefined;
  machine: string;
}

const MACHINES: Record<number, string> = {
  3: 'x86 (i386)',
  40: 'ARM (32-bit)',
  62: 'x86-64',
  183: 'aarch64',
  243: 'RISC-V',
};

/** The class and machine of an ELF header; undefined when the bytes are not ELF. */
export function elfInfo(head: Buffer): ElfInfo | undefined {
  if (head.length < 20 || head.toString('latin1', 0, 4) !== '\x7fELF') return undefined;
  const bits = head[4] === 2 ? 64 : head[4] === 1 ? 32 : undefined;
  const machineId = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return { bits, machine: MACHINES[machineId] ?? `machine ${machineId}` };
}
