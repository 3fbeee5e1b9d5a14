// What a command gets to run with: its parsed arguments and the process's streams and environment,
// passed in (not read from globals) so commands can be exercised in unit tests.
import type { ParsedArgs } from './args';

export interface Stream {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width; lines drawn in place are cut to it so they never wrap. */
  columns: number;
}

export interface Io {
  out: Stream;
  err: Stream;
  env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  args: ParsedArgs;
  /** The raw arguments after the command name (certify forwards them unchanged). */
  rawArgs: readonly string[];
  io: Io;
}

/** An operation that failed for a reason the user can act on: `error: <message>`, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function processStream(s: NodeJS.WriteStream): Stream {
  return {
    write: (t) => void s.write(t),
    get isTTY() {
      return Boolean(s.isTTY);
    },
    get columns() {
      return s.columns || 100;
    },
  };
}
