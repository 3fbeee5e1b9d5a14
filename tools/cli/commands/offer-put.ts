// `offers offer put`: creates or replaces an offer draft from a JSON file. Replacing is guarded by
// the ETag: the CLI never reads the current ETag on the user's behalf, since that would silently
// overwrite someone else's edit; an existing offer needs --if-match <etag> or an explicit --force.
import fs from 'node:fs';
import { UsageError } from '../args';
import { ApiFailure, PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { CliError } from '../context';
import { resolveConnection } from '../profile';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export const offerPut: Command = {
  name: 'offer put',
  synopsis: 'offer put <offerId> <file.json> [--if-match <etag>|--force]',
  summary: 'Creates or replaces an offer draft. Replacing needs --if-match with the current ETag, or --force.',
  flags: [
    {
      name: 'if-match',
      kind: 'string',
      value: '<etag>',
      help: 'the ETag the draft must still have (from "offer get"), or *',
    },
    { name: 'force', kind: 'boolean', help: 'replace the draft whatever its ETag (same as --if-match "*")' },
    ...CONNECTION_FLAGS,
  ],
  positionals: [{ name: '<offerId>' }, { name: '<file.json>' }],
  async run({ args, io }) {
    const [offerId, file] = args.positionals;
    if (args.flags['if-match'] !== undefined && args.flags.force)
      throw new UsageError('--if-match and --force cannot be combined');
    const ifMatch = args.flags.force ? '*' : (args.flags['if-match'] as string | undefined);
    const doc = readJsonFile(file);
    const api = new PartnerApi(resolveConnection(args.flags, io.env));
    try {
      const r = await api.putOffer(offerId, doc, ifMatch);
      io.out.write(`${r.created ? 'Created' : 'Updated'} offer ${offerId}; ETag ${r.etag ?? '(none)'}\n`);
      return 0;
    } catch (e) {
      // A stale ETag is 412; modifying without one is 400 MissingIfMatch (the reference's concurrency rule).
      if (e instanceof ApiFailure && (e.status === 412 || (e.status === 400 && e.code === 'MissingIfMatch'))) {
        e.hint = ifMatch
          ? `the offer changed since you read it: run "offers offer get ${offerId}", merge your change, and put again with its eTag`
          : `offer ${offerId} already exists: pass --if-match <eTag from "offers offer get ${offerId}"> (or --force to overwrite it)`;
      }
      throw e;
    }
  },
};
