// `offers cancel`: abandons a publish waiting for sign-off (the status resets to step 1).
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { resolveConnection } from '../profile';

export const cancel: Command = {
  name: 'cancel',
  synopsis: 'cancel <offerId>',
  summary: 'Cancels the publish waiting for your sign-off. Possible only at the Publisher signoff step.',
  flags: CONNECTION_FLAGS,
  positionals: [{ name: '<offerId>' }],
  async run({ args, io }) {
    const offerId = args.positionals[0];
    const r = await new PartnerApi(resolveConnection(args.flags, io.env)).signoff(offerId, 'cancel');
    io.out.write(
      r.repeat
        ? `Version ${r.publishingVersion} of ${offerId} is already cancelled.\n`
        : `Cancel accepted for version ${r.publishingVersion} of ${offerId} (operation ${r.operationId}).\n`,
    );
    return 0;
  },
};
