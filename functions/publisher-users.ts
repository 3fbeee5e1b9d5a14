// Partner API: the publisher's users and service principals (who may sign in with an Entra ID
// access token, and with which role). Only Owners manage them; publisher keys act as Owners, so
// the first Owner is added with the key.
import { app, HttpRequest } from '@azure/functions';
import { Member } from '../adapters/auth/member-store';
import { memberRequestSchema, normalObjectId } from '../domain/auth/member-request';
import { authorize, checkApiVersion, fail, handle, members, nowIso, readJson } from './_shared/http';

const BASE = 'api/publishers/{publisherId}/users';

const view = (m: Member) => ({
  objectId: m.objectId,
  kind: m.kind,
  role: m.role,
  displayName: m.displayName,
  changedBy: m.changedBy,
  changedTime: m.changedTime,
});

function objectIdOf(request: HttpRequest): string {
  const id = normalObjectId(request.params.objectId);
  if (!id)
    fail(400, 'InvalidObjectId', 'objectId: the Entra ID object id (oid) of the user or service principal, a GUID.');
  return id!;
}

app.http('publisherUsers', {
  route: BASE,
  methods: ['GET'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const { publisherId } = await authorize(request, 'users.manage');
    return { jsonBody: (await members.list(publisherId)).map(view), headers: { 'cache-control': 'private, no-store' } };
  }),
});

app.http('publisherUser', {
  route: `${BASE}/{objectId}`,
  methods: ['PUT', 'DELETE'],
  handler: handle(async (request) => {
    checkApiVersion(request);
    const principal = await authorize(request, 'users.manage');
    const objectId = objectIdOf(request);
    if (request.method === 'DELETE') {
      if (!(await members.remove(principal.publisherId, objectId))) fail(404, 'NotFound', 'No such user.');
      return { status: 204 };
    }
    const parsed = memberRequestSchema.safeParse(await readJson(request, 4096));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(400, 'InvalidParameter', `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    }
    const body = parsed.data!;
    const member: Member = {
      publisherId: principal.publisherId,
      objectId,
      kind: body.kind,
      role: body.role,
      displayName: body.displayName || undefined,
      changedBy: principal.id,
      changedTime: nowIso(),
    };
    const created = await members.put(member);
    return { status: created ? 201 : 200, jsonBody: view(member) };
  }),
});
