// The extension's entity routes, `entities/{entityName?}/{entityKey?}` (HttpApiHandler.cs in
// Azure/azure-functions-durable-extension): GET with a key reads the state (200 with it, 404 when the
// entity does not exist; the key `$` means the empty key), GET without one lists entities, POST signals
// the operation named by `?op=` (DELETE signals `delete`) and answers 202 once the signal is durable.
import { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '../../http/respond';
import { BodyReader } from '../../http/server';
import { EngineError } from '../engine';
import type { ManagementContext } from '../management-api';
import { requireJsonBody } from '../management-api';
import { EntityId, parseSchedulerId } from './entity-id';
import { parseSchedulerState } from './entity-state';

/** HttpApiHandler.EmptyEntityKeySymbol. */
const EMPTY_KEY = '$';

export async function handleEntities(
  ctx: ManagementContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  seg: string[],
  readBody: BodyReader,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const [name, key] = seg;
  if (seg.length > 2) return noRoute(res);
  if (method === 'GET') {
    if (key === undefined) return list(ctx, req, res, url, name);
    const id: EntityId = { name, key: key === EMPTY_KEY ? '' : key };
    const found = await ctx.engine.readEntityState(id);
    // No such entity: an empty 404, as HandleGetEntityRequestAsync answers.
    if (!found) return empty(res, 404);
    return sendJson(res, 200, parsed(found.state));
  }
  if (method === 'POST' || method === 'DELETE') {
    if (!name) throw new EngineError(400, 'The entity name is missing: POST entities/{name}/{key}?op=...');
    const operation = method === 'DELETE' ? 'delete' : (url.searchParams.get('op') ?? '');
    requireJsonBody(req);
    const text = (await readBody()).toString('utf8').trim();
    if (text) {
      try {
        JSON.parse(text);
      } catch (e) {
        throw new EngineError(400, `Could not parse JSON content: ${(e as Error).message}`);
      }
    }
    await ctx.engine.signalEntity({ name, key: key ?? '' }, operation, text || null);
    return empty(res, 202);
  }
  // HttpApiHandler answers other methods with 404 too.
  return noRoute(res);
}

/** A path or method the API does not have: the management API's JSON 404. */
function noRoute(res: ServerResponse): void {
  sendError(res, 404, 'NotFound', 'No durable task API at this path.');
}

/** Entities that exist, of one name or all: `{ entityId, lastOperationTime, state? }` (DurableEntityStatus.cs). */
async function list(
  ctx: ManagementContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string | undefined,
): Promise<void> {
  const topText = url.searchParams.get('top');
  const top = topText === null ? 100 : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new EngineError(400, 'top must be a whole number from 1 to 1000.');
  const fetchState = (url.searchParams.get('fetchState') ?? 'false').toLowerCase() === 'true';
  const header = req.headers['x-ms-continuation-token'];
  let token: string | undefined;
  if (typeof header === 'string' && header) {
    try {
      token = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as string;
    } catch {
      throw new EngineError(400, 'The x-ms-continuation-token header is not a token this host issued.');
    }
  }
  const prefix = name ? `@${name.toLowerCase()}@` : '@';
  const page = await ctx.engine.query({ instanceIdPrefix: prefix }, top, token).catch((e: { statusCode?: number }) => {
    if (e.statusCode === 400) throw new EngineError(400, 'The continuation token is not valid.');
    throw e;
  });
  const body = page.rows
    .map((row) => ({ row, sched: parseSchedulerState(row.input) }))
    .filter(({ sched }) => sched.exists)
    .map(({ row, sched }) => ({
      entityId: parseSchedulerId(row.instanceId),
      lastOperationTime: row.lastUpdatedTime,
      ...(fetchState ? { state: parsed(sched.state ?? null) } : {}),
    }));
  const headers: Record<string, string> = {};
  if (page.continuation)
    headers['x-ms-continuation-token'] = Buffer.from(JSON.stringify(page.continuation)).toString('base64url');
  return sendJson(res, 200, body, headers);
}

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function empty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}
