// `offers golive`: signs off the preview; with --watch follows the offer until it is live.
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { resolveConnection } from '../profile';
import { outcome, pollInterval, watchStatus } from '../watch';

export const golive: Command = {
  name: 'golive',
  synopsis: 'golive <offerId> [--watch]',
  summary: 'Signs off the preview: the offer goes live. A repeat is harmless.',
  flags: [
    { name: 'watch', kind: 'boolean', help: 'show live progress until the offer is live (or failed)' },
    ...CONNECTION_FLAGS,
  ],
  positionals: [{ name: '<offerId>' }],
  async run({ args, io }) {
    const offerId = args.positionals[0];
    const api = new PartnerApi(resolveConnection(args.flags, io.env));
    const r = await api.signoff(offerId, 'golive');
    io.out.write(
      r.repeat
        ? `Version ${r.publishingVersion} of ${offerId} is already live.\n`
        : `Go Live accepted for version ${r.publishingVersion} of ${offerId} (operation ${r.operationId}).\n`,
    );
    if (!args.flags.watch) return 0;
    // Not the sign-off state: right after Go Live the status still says "waiting for sign-off".
    const final = await watchStatus(api, offerId, io, {
      until: ['succeeded', 'failed', 'canceled'],
      version: r.publishingVersion,
      intervalMs: pollInterval(io.env),
    });
    const o = outcome(offerId, final);
    io.out.write(`${o.text}\n`);
    return o.exitCode;
  },
};
