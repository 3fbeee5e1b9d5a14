// Partner API: the local e-mail outbox (what would have been e-mailed when no ACS is configured).
import { app } from '@azure/functions';
import { OUTBOX_TABLE, OutboxEmailSender } from '../adapters/email/outbox-email-sender';
import { table } from '../adapters/storage/connection';
import { authorize, continuationToken, fail, handle, pageSize } from './_shared/http';

app.http('emailOutbox', {
  route: 'api/publishers/{publisherId}/outbox',
  methods: ['GET'],
  handler: handle(async (request) => {
    const { publisherId } = await authorize(request, 'offers.read');
    const top = pageSize(request);
    const outbox = new OutboxEmailSender(await table(OUTBOX_TABLE));
    const page = await outbox
      .listOutbox(publisherId, { top, continuationToken: continuationToken(request) })
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode === 400)
          fail(400, 'InvalidParameter', 'continuationToken: not a token this service gave; start again without it.');
        throw e;
      });
    return {
      jsonBody: page.items,
      headers: page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : undefined,
    };
  }),
});
