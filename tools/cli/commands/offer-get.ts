// `offers offer get`: the offer document as JSON on stdout, ready to edit and send back with put.
import { positiveInt, UsageError } from '../args';
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { resolveConnection } from '../profile';

export const offerGet: Command = {
  name: 'offer get',
  synopsis: 'offer get <offerId> [--slot draft|preview|production] [--version <n>]',
  summary: 'Prints the offer as JSON (the draft unless --slot or --version). Its "eTag" is what put --if-match needs.',
  flags: [
    {
      name: 'slot',
      kind: 'string',
      value: '<slot>',
      help: 'draft (default), preview or production',
      choices: ['draft', 'preview', 'production'],
    },
    { name: 'version', kind: 'string', value: '<n>', help: 'a published version instead of a slot' },
    ...CONNECTION_FLAGS,
  ],
  positionals: [{ name: '<offerId>' }],
  async run({ args, io }) {
    const version = positiveInt('version', args.flags.version);
    if (version !== undefined && args.flags.slot !== undefined)
      throw new UsageError('--slot and --version cannot be combined');
    const api = new PartnerApi(resolveConnection(args.flags, io.env));
    const { body } = await api.getOffer(args.positionals[0], { slot: args.flags.slot as string | undefined, version });
    io.out.write(JSON.stringify(body, null, 2) + '\n');
    return 0;
  },
};
