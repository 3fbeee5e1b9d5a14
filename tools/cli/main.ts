#!/usr/bin/env node
// The partner CLI: `offers <command>`. Exit codes: 0 ok, 1 the operation failed, 2 usage error.
// Errors are one readable message (`error <code>: <message>` for the API), never a stack trace.
import { formatUsage, parseArgs, ParsedArgs, UsageError } from './args';
import { ApiFailure } from './api-client';
import { Command } from './command';
import { cancel } from './commands/cancel';
import { certify } from './commands/certify';
import { golive } from './commands/golive';
import { login } from './commands/login';
import { offerGet } from './commands/offer-get';
import { offerList } from './commands/offer-list';
import { offerPut } from './commands/offer-put';
import { publish } from './commands/publish';
import { status } from './commands/status';
import { uploadVhdCommand } from './commands/upload-vhd';
import { CliError, Io, processStream } from './context';
import { formatApiFailure } from './format';

export const COMMANDS: readonly Command[] = [
  login,
  offerList,
  offerGet,
  offerPut,
  publish,
  status,
  golive,
  cancel,
  certify,
  uploadVhdCommand,
];

export function overview(): string {
  return [
    'usage: offers <command> [arguments] [--url <origin> --publisher <id> --key <key>]',
    '',
    'commands:',
    // Synopsis, then the summary's first sentence indented below: narrow enough for any terminal.
    ...COMMANDS.flatMap((c) => [`  ${c.synopsis}`, `      ${c.summary.split(/(?<=\.) /)[0]}`]),
    '',
    'Credentials come from flags, else OFFERS_URL / OFFERS_PUBLISHER / OFFERS_KEY, else the profile saved by login.',
    'Run "offers <command> --help" for the flags of one command.',
    '',
  ].join('\n');
}

/** The command named by the first words of argv, and the arguments after those words. */
export function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const c of COMMANDS) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? io.err : io.out).write(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const what =
      argv[0] === 'offer'
        ? argv[1]
          ? `unknown command "offer ${argv[1]}"`
          : 'missing subcommand: offer list | get | put'
        : `unknown command "${argv[0]}"`;
    io.err.write(`${what}\n\n${overview()}`);
    return 2;
  }
  const { command, rest } = found;
  const usage = formatUsage(command.synopsis, command.summary, command.flags);
  try {
    let args: ParsedArgs;
    if (command.passThrough) args = { positionals: [...rest], flags: {}, help: false };
    else {
      args = parseArgs(rest, command.flags, command.positionals);
      if (args.help) {
        io.out.write(usage);
        return 0;
      }
    }
    return await command.run({ args, rawArgs: rest, io });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof ApiFailure) {
      io.err.write(formatApiFailure(e));
      return 1;
    }
    if (e instanceof CliError) {
      io.err.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    // A bug of ours: still one line, unless asked for the details.
    io.err.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    if (io.env.OFFERS_CLI_DEBUG) io.err.write(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

if (require.main === module) {
  const io: Io = { out: processStream(process.stdout), err: processStream(process.stderr), env: process.env };
  // `offers status x | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  // Anything escaping run() (a stray rejection in a library) still ends as one line, not a stack.
  const last = (e: unknown) => {
    process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.OFFERS_CLI_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', last);
  process.on('unhandledRejection', last);
  // exitCode rather than exit(): lets stdout drain when it is a pipe.
  void run(process.argv.slice(2), io).then((code) => (process.exitCode = code));
}
