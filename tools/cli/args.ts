// Argument parsing for the partner CLI. Hand-written rather than node:util parseArgs so that every
// mistake becomes one short, specific usage message (exit code 2) instead of a library's wording.

export interface FlagSpec {
  name: string;
  /** A string flag takes a value (`--name v` or `--name=v`); a boolean one does not. */
  kind: 'string' | 'boolean';
  /** The value's placeholder in usage text, e.g. `<id>`. */
  value?: string;
  help: string;
  /** Allowed values of a string flag (checked here, so commands can trust them). */
  choices?: readonly string[];
}

export interface PositionalSpec {
  name: string;
  optional?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
  help: boolean;
}

/** A mistake in how the CLI was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export function parseArgs(
  argv: readonly string[],
  flags: readonly FlagSpec[],
  positionals: readonly PositionalSpec[] = [],
): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const out: ParsedArgs = { positionals: [], flags: {}, help: false };
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      out.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown flag ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} does not take a value`);
      out.flags[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      // A following flag is not a value: `--key --force` is a forgotten key, not the key "--force".
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${name} needs a value${spec.value ? ` ${spec.value}` : ''}`);
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a non-empty value`);
    if (spec.choices && !spec.choices.includes(value))
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${value}")`);
    out.flags[name] = value;
  }
  if (out.help) return out;
  const required = positionals.filter((p) => !p.optional).length;
  if (out.positionals.length < required) {
    throw new UsageError(`missing argument ${positionals[out.positionals.length].name}`);
  }
  if (out.positionals.length > positionals.length) {
    throw new UsageError(`unexpected argument "${out.positionals[positionals.length]}"`);
  }
  return out;
}

/** `--version 3` as a positive whole number, or a usage error naming the flag. */
export function positiveInt(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${flag} must be a whole number of at least 1 (got "${String(value)}")`);
  return n;
}

/** The usage text of one command: its synopsis line and one line per flag. */
export function formatUsage(synopsis: string, summary: string, flags: readonly FlagSpec[]): string {
  const lines = [`usage: offers ${synopsis}`, '', `  ${summary}`];
  if (flags.length) {
    lines.push('', 'flags:');
    const left = flags.map((f) => `--${f.name}${f.kind === 'string' ? ` ${f.value ?? '<value>'}` : ''}`);
    const w = Math.max(...left.map((l) => l.length));
    flags.forEach((f, i) => lines.push(`  ${left[i].padEnd(w)}  ${f.help}`));
  }
  return lines.join('\n') + '\n';
}
