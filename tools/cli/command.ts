// The shape every command module exports, and the flags shared by the commands that call the API.
import type { FlagSpec, PositionalSpec } from './args';
import type { CommandContext } from './context';

export interface Command {
  /** Words that select it, e.g. `offer put`. */
  name: string;
  /** The usage line after `offers`. */
  synopsis: string;
  summary: string;
  flags: FlagSpec[];
  positionals: PositionalSpec[];
  /** The arguments are not parsed here but handed on unchanged (certify → certify-cli.js). */
  passThrough?: boolean;
  /** Returns the exit code: 0 ok, 1 failed. */
  run(ctx: CommandContext): Promise<number>;
}

export const CONNECTION_FLAGS: FlagSpec[] = [
  {
    name: 'url',
    kind: 'string',
    value: '<origin>',
    help: 'service origin, e.g. https://offers.example.com (env OFFERS_URL)',
  },
  { name: 'publisher', kind: 'string', value: '<id>', help: 'publisher id (env OFFERS_PUBLISHER)' },
  { name: 'key', kind: 'string', value: '<key>', help: 'publisher API key (env OFFERS_KEY)' },
];
