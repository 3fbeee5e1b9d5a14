// Ops: issue and revoke publisher API keys. Guarded by the OPS_ADMIN_KEY setting (a bearer key
// separate from every publisher key); without it set, these endpoints are switched off.
import { app, HttpRequest } from '@azure/functions';
import { keyFingerprint } from '../adapters/auth/publisher-keys';
import { OPS } from '../domain/audit/actor';
import { isValidOfferId } from '../domain/offer/ids';
import { newEntry, recordCommitted } from './_shared/history';
import { fail, handle, keys, readJson } from './_shared/http';
import { requireOpsKey } from './_shared/require-ops';

function requireOps(request: HttpRequest): void {
  requireOpsKey(request, {
    disabled: { code: 'AdminDisabled', message: 'Key administration is disabled: set the OPS_ADMIN_KEY setting.' },
  });
}

app.http('issuePublisherKey', {
  route: 'api/admin/publishers/{publisherId}/keys',
  methods: ['POST'],
  handler: handle(async (request, context) => {
    requireOps(request);
    const publisherId = request.params.publisherId;
    if (!isValidOfferId(publisherId))
      fail(400, 'InvalidPublisherId', 'A publisher id is 1–50 lowercase letters, digits or "-".');
    const key = await keys.issue(publisherId);
    await recordCommitted(
      newEntry({ publisherId, event: 'keyIssued', details: { keyFingerprint: keyFingerprint(key) } }, OPS),
      context,
    );
    return { status: 201, jsonBody: { publisherId, key, note: 'Store this key now: only its hash is kept.' } };
  }),
});

app.http('revokePublisherKey', {
  route: 'api/admin/keys/revoke',
  methods: ['POST'],
  handler: handle(async (request, context) => {
    requireOps(request);
    const body = (await readJson(request, 4096)) as { key?: unknown };
    if (typeof body?.key !== 'string' || !body.key)
      fail(400, 'InvalidRequest', 'key: required, the publisher key to revoke.');
    const publisherId = await keys.revoke(body.key as string);
    if (!publisherId) fail(404, 'NotFound', 'No such key.');
    await recordCommitted(
      newEntry(
        {
          publisherId: publisherId!,
          event: 'keyRevoked',
          details: { keyFingerprint: keyFingerprint(body.key as string) },
        },
        OPS,
      ),
      context,
    );
    return { status: 200, jsonBody: { revoked: true } };
  }),
});
