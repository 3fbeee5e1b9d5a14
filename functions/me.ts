// Who the caller is and which publishers it may act for: what the portal asks right after a
// sign-in, since an access token names a person, not a publisher.
import { app } from '@azure/functions';
import { fail, handle, keys, keyPrincipal, looksLikeJwt, members, verifiedCaller } from './_shared/http';

app.http('me', {
  route: 'api/me',
  methods: ['GET'],
  handler: handle(async (request) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    if (!m)
      fail(401, 'Unauthorized', 'Send an access token or a publisher key as "Authorization: Bearer <token or key>".');
    const credential = m![1];
    if (looksLikeJwt(credential)) {
      const who = await verifiedCaller(credential);
      const publishers = await members.publishersOf(who.objectId);
      return { jsonBody: { kind: who.kind, id: who.objectId, displayName: who.displayName, publishers } };
    }
    const publisherId = await keys.publisherFor(credential);
    if (!publisherId) fail(401, 'Unauthorized', 'The key is not valid or has been revoked.');
    const p = keyPrincipal(credential, publisherId!);
    return { jsonBody: { kind: p.kind, id: p.id, publishers: [{ publisherId: p.publisherId, role: p.role }] } };
  }),
});
