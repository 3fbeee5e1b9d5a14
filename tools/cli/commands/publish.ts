// `offers publish`: starts publishing; with --watch follows it to sign-off (or to failure).
import { UsageError } from '../args';
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { resolveConnection } from '../profile';
import { outcome, pollInterval, watchStatus } from '../watch';

export const publish: Command = {
  name: 'publish',
  synopsis: 'publish <offerId> --emails <a@x.com,b@y.com> [--watch]',
  summary: 'Publishes the current draft. Problems with the offer are listed one per field and nothing starts.',
  flags: [
    {
      name: 'emails',
      kind: 'string',
      value: '<list>',
      help: 'comma-separated addresses notified at every stage (required)',
    },
    { name: 'watch', kind: 'boolean', help: 'show live progress until sign-off, failure or cancellation' },
    ...CONNECTION_FLAGS,
  ],
  positionals: [{ name: '<offerId>' }],
  async run({ args, io }) {
    const offerId = args.positionals[0];
    const emails = args.flags.emails;
    if (typeof emails !== 'string') throw new UsageError('missing --emails <a@x.com,b@y.com>');
    const conn = resolveConnection(args.flags, io.env);
    const api = new PartnerApi(conn);
    const accepted = await api.publish(offerId, emails);
    io.out.write(
      `Publish accepted: ${conn.publisher}/${offerId} version ${accepted.publishingVersion} (operation ${accepted.operationId}).\n`,
    );
    if (!args.flags.watch) return 0;
    const final = await watchStatus(api, offerId, io, {
      until: ['waitingForPublisherReview', 'succeeded', 'failed', 'canceled'],
      version: accepted.publishingVersion,
      intervalMs: pollInterval(io.env),
    });
    const o = outcome(offerId, final);
    io.out.write(`${o.text}\n`);
    return o.exitCode;
  },
};
