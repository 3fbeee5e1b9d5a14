// An in-memory Io for driving CLI commands in unit tests.
import type { Io, Stream } from '../../../tools/cli/context';

export interface Captured extends Stream {
  text: string;
}

export function captured(isTTY = false, columns = 200): Captured {
  const s: Captured = {
    text: '',
    isTTY,
    columns,
    write(t: string) {
      s.text += t;
    },
  };
  return s;
}

export function fakeIo(env: NodeJS.ProcessEnv = {}): Io & { out: Captured; err: Captured } {
  return { out: captured(), err: captured(), env };
}
