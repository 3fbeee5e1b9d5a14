// `offers offer list`: every offer of the publisher, one row each.
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { offerWord, renderTable } from '../format';
import { resolveConnection } from '../profile';

export const offerList: Command = {
  name: 'offer list',
  synopsis: 'offer list',
  summary: "Lists the publisher's offers with their publish status.",
  flags: CONNECTION_FLAGS,
  positionals: [],
  async run({ args, io }) {
    const api = new PartnerApi(resolveConnection(args.flags, io.env));
    const offers = await api.listOffers();
    if (offers.length === 0) {
      io.out.write('No offers yet. Create one with "offers offer put <offerId> <file.json>".\n');
      return 0;
    }
    const rows = offers.map((o) => [
      o.id,
      offerWord(o.status),
      o.publishingVersion ? String(o.publishingVersion) : '-',
      o.changedTime,
      o.title,
    ]);
    io.out.write(renderTable(['OFFER', 'STATUS', 'VERSION', 'CHANGED', 'TITLE'], rows));
    return 0;
  },
};
