import { INSTANCE_ID_RULE } from '../core/ids';
import { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '../http/respond';
import { BodyReader } from '../http/server';
import { Clock } from './clock';
import { DurableEngine, EngineError, QueryFilter } from './engine';
import { ALL_STATUSES, isTerminal } from './history';
import { managementPayload } from './client-binding';
import { handleEntities } from './entities/entity-http-api';
import { statusBody } from './status-format';

export interface ManagementContext {
  engine: DurableEngine;
  clock: Clock;
  hubName: string;
  systemKey: string | undefined;
  /** The host's own origin: the management URLs it returns point there, whatever the request's Host said. */
  origin: string;
}

class BadRequest extends Error {}

/** The engine's rule for instance ids; an id outside it cannot name an instance (and is no valid table key). */
const INSTANCE_OPERATIONS = new Set(['raiseEvent', 'terminate', 'suspend', 'resume', 'restart', 'rewind']);

/**
 * The Durable extension's HTTP API (`/runtime/webhooks/durabletask/...`, and the same routes under
 * the client's `rpcBaseUrl`). Every malformed call gets a 4xx with a message; nothing here throws.
 * Bodies are read only by the two calls that take one (start, raise event), after the path, method
 * and content type have been checked.
 */
export async function handleManagement(
  ctx: ManagementContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  subPath: string,
  readBody: BodyReader,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const seg = subPath.split('/').filter(Boolean).map(safeDecode);
  const origin = ctx.origin;
  try {
    const body = async () => jsonText(await readBody());
    // The extension parses the event body as one JSON value (HandleRaiseEventRequestAsync): an empty
    // or blank body is no JSON, so it is 400 "Invalid JSON content" like any other non-JSON body.
    const eventBody = async () => {
      const text = await body();
      if (text === null) throw new BadRequest('Invalid JSON content: the event body is empty.');
      return text;
    };
    if (seg.some((s) => s === undefined)) throw new BadRequest('The path has a malformed percent-encoding.');
    const [head, id, op, name] = seg as string[];
    if (head === 'orchestrators' && id) {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      if (seg.length > 3) return notFound(res);
      requireJsonBody(req);
      const input = await body();
      const instanceId = await ctx.engine.startNew(id, op, input);
      const payload = managementPayload(origin, ctx.hubName, ctx.systemKey, instanceId);
      return sendJson(res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
    }
    if (head === 'entities') return await handleEntities(ctx, req, res, url, seg.slice(1) as string[], readBody);
    if (head !== 'instances') return notFound(res);
    if (!id) {
      if (method === 'GET') return await list(ctx, req, res, url);
      if (method === 'DELETE') {
        const filter = parseFilter(url);
        // Only finished instances are purged; a filter naming no terminal status matches nothing.
        if (filter.runtimeStatus) filter.runtimeStatus = filter.runtimeStatus.filter((s) => isTerminal(s));
        const n = filter.runtimeStatus?.length === 0 ? 0 : await ctx.engine.purgeBy(filter);
        return n > 0 ? sendJson(res, 200, { instancesDeleted: n }) : sendJson(res, 404, { instancesDeleted: 0 });
      }
      return methodNotAllowed(res, 'GET, DELETE');
    }
    if (op !== undefined && !INSTANCE_OPERATIONS.has(op)) return notFound(res);
    if (!INSTANCE_ID_RULE.test(id)) {
      // e.g. 'a/b' (sent as a%2Fb): no instance can have it, and storage would reject it as a key.
      if (op === undefined && method !== 'GET' && method !== 'DELETE') return methodNotAllowed(res, 'GET, DELETE');
      if (op !== undefined && method !== 'POST') return methodNotAllowed(res, 'POST');
      return sendError(res, 404, 'InstanceNotFound', `No instance with id '${id}' was found.`);
    }
    if (!op) {
      if (method === 'GET') return await getStatus(ctx, res, url, id);
      if (method === 'DELETE') {
        return (await ctx.engine.purge(id))
          ? sendJson(res, 200, { instancesDeleted: 1 })
          : sendError(res, 404, 'InstanceNotFound', `No instance with id '${id}' was found.`);
      }
      return methodNotAllowed(res, 'GET, DELETE');
    }
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    requireJsonBody(req);
    const reason = url.searchParams.get('reason') ?? undefined;
    switch (op) {
      case 'raiseEvent':
        if (!name || seg.length > 4)
          throw new BadRequest('The event name is missing: POST instances/{id}/raiseEvent/{eventName}.');
        // As the extension: the event's content type is checked even when the body is empty.
        requireJsonBody(req, true);
        await ctx.engine.raiseEvent(id, name, await eventBody());
        return accepted(res);
      case 'terminate':
      case 'suspend':
      case 'resume':
        if (seg.length > 3) return notFound(res);
        await ctx.engine.command(id, op, reason);
        return accepted(res);
      case 'restart': {
        const fresh = (url.searchParams.get('restartWithNewInstanceId') ?? 'true').toLowerCase() !== 'false';
        const newId = await ctx.engine.restart(id, fresh);
        const payload = managementPayload(origin, ctx.hubName, ctx.systemKey, newId);
        return sendJson(res, 202, payload, { Location: payload.statusQueryGetUri });
      }
      case 'rewind':
        return sendError(
          res,
          501,
          'NotSupported',
          'Rewind is not supported by the devhost; restart the instance instead.',
        );
      default:
        return notFound(res);
    }
  } catch (e) {
    if (e instanceof EngineError) return sendError(res, e.status, codeFor(e.status), e.message);
    if (e instanceof BadRequest) return sendError(res, 400, 'BadRequest', e.message);
    throw e;
  }
}

async function getStatus(ctx: ManagementContext, res: ServerResponse, url: URL, id: string): Promise<void> {
  const row = await ctx.engine.currentRow(id);
  if (!row) return sendError(res, 404, 'InstanceNotFound', `No instance with id '${id}' was found.`);
  const showHistory = flag(url, 'showHistory', false);
  const history = showHistory ? await ctx.engine.history(id) : undefined;
  const body = statusBody(row, {
    showInput: flag(url, 'showInput', true),
    history,
    showHistoryOutput: flag(url, 'showHistoryOutput', false),
  });
  let status = isTerminal(row.status) ? 200 : 202;
  if (row.status === 'Failed' && flag(url, 'returnInternalServerErrorOnFailure', false)) status = 500;
  // As the extension's HttpApiHandler (HandleGetStatusRequestAsync): while it runs, 202 with
  // Location = this same URL and Retry-After 5 s, so polling clients neither spin nor stop.
  return sendJson(res, status, body, status === 202 ? { Location: url.href, 'Retry-After': '5' } : undefined);
}

async function list(ctx: ManagementContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const filter = parseFilter(url);
  const topText = url.searchParams.get('top');
  let top = 100;
  if (topText !== null) {
    top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > 1000)
      throw new BadRequest('top must be a whole number from 1 to 1000.');
  }
  const tokenHeader = req.headers['x-ms-continuation-token'];
  let token: string | undefined;
  if (typeof tokenHeader === 'string' && tokenHeader) {
    token = storageToken(tokenHeader);
    if (token === undefined)
      throw new BadRequest('The x-ms-continuation-token header is not a token this host issued.');
  }
  const page = await ctx.engine.query(filter, top, token).catch((e: { statusCode?: number }) => {
    if (e.statusCode === 400) throw new BadRequest('The continuation token is not valid.');
    throw e;
  });
  // OrchestrationStatusQueryCondition.ShowInput defaults to true, as the status call's showInput does.
  const showInput = flag(url, 'showInput', true);
  const headers: Record<string, string> = {};
  if (page.continuation)
    headers['x-ms-continuation-token'] = Buffer.from(JSON.stringify(page.continuation)).toString('base64url');
  return sendJson(
    res,
    200,
    page.rows.map((r) => statusBody(r, { showInput })),
    headers,
  );
}

/**
 * The table query token inside a continuation token this host issued: base64url JSON of the storage
 * SDK's token, itself base64 JSON `{ nextPartitionKey, nextRowKey? }`. Undefined for anything else.
 */
function storageToken(header: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (typeof parsed !== 'string') return undefined;
    const inner: unknown = JSON.parse(Buffer.from(parsed, 'base64').toString('utf8'));
    if (typeof inner !== 'object' || inner === null) return undefined;
    const { nextPartitionKey, nextRowKey } = inner as { nextPartitionKey?: unknown; nextRowKey?: unknown };
    if (typeof nextPartitionKey !== 'string' || !nextPartitionKey) return undefined;
    if (nextRowKey !== undefined && typeof nextRowKey !== 'string') return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

function parseFilter(url: URL): QueryFilter {
  const filter: QueryFilter = {};
  for (const key of ['createdTimeFrom', 'createdTimeTo'] as const) {
    const v = url.searchParams.get(key);
    if (v) {
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new BadRequest(`${key} is not a date-time: '${v}'.`);
      filter[key] = d;
    }
  }
  const statuses = url.searchParams.get('runtimeStatus');
  if (statuses) {
    filter.runtimeStatus = statuses.split(',').map((s) => {
      const match = ALL_STATUSES.find((x) => x.toLowerCase() === s.trim().toLowerCase());
      if (!match) throw new BadRequest(`runtimeStatus '${s}' is not one of ${ALL_STATUSES.join(', ')}.`);
      return match;
    });
  }
  const prefix = url.searchParams.get('instanceIdPrefix');
  if (prefix) filter.instanceIdPrefix = prefix;
  return filter;
}

/** A boolean query parameter as the extension reads it (bool.TryParse): anything but true/false is the default. */
function flag(url: URL, key: string, dflt: boolean): boolean {
  const v = url.searchParams.get(key)?.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : dflt;
}

/**
 * The API takes JSON only. The extension refuses a raise-event body that is not
 * `application/json` with 400 "Only application/json request content is supported"
 * (HttpApiHandler.cs, HandleRaiseEventRequestAsync); the devhost applies the same rule to every
 * POST or PUT that carries a body, and before anything else happens. That is what keeps a web page
 * in the developer's browser out: a cross-site `fetch` or form can send `text/plain` without a CORS
 * preflight, but not `application/json`.
 */
export function requireJsonBody(req: IncomingMessage, evenWithoutBody = false): void {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'POST' && method !== 'PUT') return;
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
  if (!hasBody && !evenWithoutBody) return;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') throw new BadRequest('Only application/json request content is supported.');
}

function jsonText(body: Buffer): string | null {
  const text = body.toString('utf8').trim();
  if (!text) return null;
  try {
    JSON.parse(text);
  } catch {
    throw new BadRequest('The request body is not valid JSON.');
  }
  return text;
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function accepted(res: ServerResponse): void {
  res.writeHead(202, { 'Content-Length': 0 });
  res.end();
}

function notFound(res: ServerResponse): void {
  sendError(res, 404, 'NotFound', 'No durable task API at this path.');
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendError(res, 405, 'MethodNotAllowed', `This durable task API accepts ${allow}.`);
}

function codeFor(status: number): string {
  return { 400: 'BadRequest', 404: 'InstanceNotFound', 409: 'Conflict', 410: 'Gone' }[status] ?? 'Error';
}
