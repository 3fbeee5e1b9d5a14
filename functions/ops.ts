// Ops console API: orchestration instances through the durable client (list with filters, sorting
// and paging; one instance with input, output, custom status and history; raise event, terminate,
// purge) and the open support requests. Authorised by the OPS_ADMIN_KEY bearer key, never by a
// publisher key; OPS_READ_ONLY=true refuses every change.
import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableClient, DurableOrchestrationStatus, OrchestrationRuntimeStatus } from 'durable-functions';
import { OperationStore } from '../adapters/offers/operation-store';
import { StatusStore } from '../adapters/offers/status-store';
import { SupportRequestStore } from '../adapters/support/support-request-store';
import { PublishInput } from '../domain/publishing/events';
import { ORCHESTRATOR } from '../domain/publishing/stages';
import { releasedByOps, releaseMessage } from '../domain/publishing/lifecycle';
import { isValidOfferId } from '../domain/offer/ids';
import { OPS } from '../domain/audit/actor';
import { newEntry, recordCommitted } from './_shared/history';
import { fail, handle, nowIso } from './_shared/http';
import { requireOpsKey } from './_shared/require-ops';

const durable = df.input.durableClient();
const statuses = new StatusStore();
const operations = new OperationStore();
const supportRequests = new SupportRequestStore();

const RUNTIME_STATUSES = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
] as const;
const ACTIVE = new Set<string>(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);
const SORT_KEYS = ['createdTime', 'lastUpdatedTime', 'name', 'runtimeStatus', 'instanceId'] as const;
type SortKey = (typeof SORT_KEYS)[number];

const readOnly = () => (process.env.OPS_READ_ONLY ?? '').trim().toLowerCase() === 'true';

/** The same rule as the key-administration endpoints (adapters/auth/ops-key.ts). */
function requireOps(request: HttpRequest, change = false): void {
  requireOpsKey(request, {
    disabled: { code: 'OpsDisabled', message: 'The ops console is disabled: set the OPS_ADMIN_KEY setting.' },
    refusedNote: 'Publisher keys are not accepted here.',
  });
  if (change && readOnly())
    fail(403, 'ReadOnly', 'The ops console is read-only here (OPS_READ_ONLY=true): nothing can be changed.');
}

const noStore = { 'cache-control': 'no-store' };

app.http('opsWhoAmI', {
  route: 'api/ops/whoami',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    requireOps(request);
    return { jsonBody: { role: 'ops', readOnly: readOnly() }, headers: noStore };
  }),
});

// ---- instances ------------------------------------------------------------------------------

interface InstanceQuery {
  runtimeStatus?: OrchestrationRuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  name?: string;
  offer?: string;
  sort: SortKey;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

function parseQuery(request: HttpRequest): InstanceQuery {
  const q = (n: string) => request.query.get(n)?.trim() || undefined;
  const date = (n: string): Date | undefined => {
    const v = q(n);
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()))
      fail(400, 'InvalidParameter', `${n} must be a date and time, e.g. 2026-01-31T09:00:00Z.`);
    return d;
  };
  const whole = (n: string, fallback: number, max: number): number => {
    const v = Number(q(n) ?? fallback);
    if (!Number.isInteger(v) || v < 1 || v > max)
      fail(400, 'InvalidParameter', `${n} must be a whole number from 1 to ${max}.`);
    return v;
  };
  const statuses = q('runtimeStatus')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of statuses ?? []) {
    if (!(RUNTIME_STATUSES as readonly string[]).includes(s))
      fail(400, 'InvalidParameter', `runtimeStatus '${s}' is not one of ${RUNTIME_STATUSES.join(', ')}.`);
  }
  const sort = (q('sort') ?? 'createdTime') as SortKey;
  if (!SORT_KEYS.includes(sort)) fail(400, 'InvalidParameter', `sort must be one of ${SORT_KEYS.join(', ')}.`);
  const order = q('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') fail(400, 'InvalidParameter', 'order must be asc or desc.');
  const query: InstanceQuery = {
    runtimeStatus: statuses?.length ? (statuses as OrchestrationRuntimeStatus[]) : undefined,
    createdTimeFrom: date('createdTimeFrom'),
    createdTimeTo: date('createdTimeTo'),
    name: q('name'),
    offer: q('offer'),
    sort,
    order: order as 'asc' | 'desc',
    page: whole('page', 1, 100_000),
    pageSize: whole('pageSize', 25, 200),
  };
  if (query.createdTimeFrom && query.createdTimeTo && query.createdTimeFrom > query.createdTimeTo)
    fail(400, 'InvalidParameter', 'createdTimeFrom is after createdTimeTo.');
  return query;
}

function summary(s: DurableOrchestrationStatus) {
  return {
    instanceId: s.instanceId,
    name: s.name,
    runtimeStatus: s.runtimeStatus,
    createdTime: new Date(s.createdTime).toISOString(),
    lastUpdatedTime: new Date(s.lastUpdatedTime).toISOString(),
    customStatus: s.customStatus ?? null,
  };
}

app.http('opsInstances', {
  route: 'api/ops/instances',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durable],
  handler: handle(async (request, context) => {
    requireOps(request);
    const q = parseQuery(request);
    // The durable client pages through the engine's continuation tokens itself; filtering by
    // name and offer, sorting and paging happen here.
    const all = await df.getClient(context).getStatusBy({
      createdTimeFrom: q.createdTimeFrom,
      createdTimeTo: q.createdTimeTo,
      runtimeStatus: q.runtimeStatus,
    });
    const name = q.name?.toLowerCase();
    const offer = q.offer?.toLowerCase();
    const rows = all
      .map(summary)
      .filter(
        (s) => (!name || s.name.toLowerCase() === name) && (!offer || s.instanceId.toLowerCase().includes(offer)),
      );
    const dir = q.order === 'asc' ? 1 : -1;
    rows.sort(
      (a, b) => dir * String(a[q.sort]).localeCompare(String(b[q.sort])) || a.instanceId.localeCompare(b.instanceId),
    );
    const pageCount = Math.max(1, Math.ceil(rows.length / q.pageSize));
    const items = rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    return { jsonBody: { items, total: rows.length, page: q.page, pageSize: q.pageSize, pageCount }, headers: noStore };
  }),
});

/** The instance or 404; the durable client reports a missing instance as an Error naming HTTP 404. */
async function statusOf(
  client: DurableClient,
  instanceId: string,
  history = false,
): Promise<DurableOrchestrationStatus> {
  try {
    return await client.getStatus(
      instanceId,
      history ? { showHistory: true, showHistoryOutput: true, showInput: true } : { showInput: true },
    );
  } catch (e) {
    if (/HTTP 404/.test((e as Error).message))
      fail(404, 'InstanceNotFound', `No orchestration instance '${instanceId}'.`);
    throw e;
  }
}

/**
 * The history events. durable-functions 3.x drops them (its status object reads `history`, the
 * extension sends `historyEvents`: azure-functions-durable-js#620), so when they are missing they
 * are read with the same status request the client makes, from the URLs its binding carries.
 */
async function historyOf(context: InvocationContext, status: DurableOrchestrationStatus): Promise<unknown[]> {
  if (Array.isArray(status.history)) return status.history;
  const binding = context.extraInputs.get(durable) as
    { rpcBaseUrl?: string; managementUrls?: { id: string; statusQueryGetUri: string } } | undefined;
  const id = encodeURIComponent(status.instanceId);
  const flags = 'showHistory=true&showHistoryOutput=true&showInput=true';
  let url: string | undefined;
  if (binding?.rpcBaseUrl) url = `${new URL(`instances/${id}`, binding.rpcBaseUrl).href}?${flags}`;
  else if (binding?.managementUrls)
    url = `${binding.managementUrls.statusQueryGetUri.replace(binding.managementUrls.id, id)}&${flags}`;
  if (!url) return [];
  const res = await fetch(url);
  if (!res.ok && res.status !== 202) throw new Error(`History of ${status.instanceId}: HTTP ${res.status}`);
  const body = (await res.json()) as { historyEvents?: unknown[] };
  return body.historyEvents ?? [];
}

const instanceRoute = (suffix = '') => `api/ops/instances/{instanceId}${suffix}`;

app.http('opsInstance', {
  route: instanceRoute(),
  methods: ['GET', 'DELETE'],
  authLevel: 'anonymous',
  extraInputs: [durable],
  handler: handle(async (request, context) => {
    const purge = request.method === 'DELETE';
    requireOps(request, purge);
    const client = df.getClient(context);
    const id = request.params.instanceId;
    const status = await statusOf(client, id, !purge);
    if (purge) {
      if (ACTIVE.has(status.runtimeStatus))
        fail(
          409,
          'InstanceActive',
          `Instance '${id}' is ${status.runtimeStatus}; terminate it (or let it finish) before purging its history.`,
        );
      const result = await client.purgeInstanceHistory(id);
      context.log(`Ops purged orchestration ${id}`);
      return { jsonBody: { instanceId: id, instancesDeleted: result.instancesDeleted } };
    }
    return {
      jsonBody: {
        ...summary(status),
        input: status.input ?? null,
        output: status.output ?? null,
        history: await historyOf(context, status),
      },
      headers: noStore,
    };
  }),
});

async function activeInstance(
  request: HttpRequest,
  context: InvocationContext,
): Promise<{ client: DurableClient; status: DurableOrchestrationStatus }> {
  requireOps(request, true);
  const client = df.getClient(context);
  const status = await statusOf(client, request.params.instanceId);
  if (!ACTIVE.has(status.runtimeStatus))
    fail(
      409,
      'InstanceNotRunning',
      `Instance '${status.instanceId}' is ${status.runtimeStatus}; only a running instance can take events or be terminated.`,
    );
  return { client, status };
}

app.http('opsRaiseEvent', {
  route: instanceRoute('/events/{eventName}'),
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durable],
  handler: handle(async (request, context) => {
    requireOps(request, true);
    const eventName = request.params.eventName;
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(eventName))
      fail(400, 'InvalidParameter', 'The event name is 1–100 letters, digits, ".", "_" or "-".');
    const data = (await optionalJson(request, 64 * 1024)) ?? null;
    const { client, status } = await activeInstance(request, context);
    await client.raiseEvent(status.instanceId, eventName, data);
    context.log(`Ops raised event ${eventName} on ${status.instanceId}`);
    return { status: 202, jsonBody: { instanceId: status.instanceId, eventName } };
  }),
});

app.http('opsTerminate', {
  route: instanceRoute('/terminate'),
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durable],
  handler: handle(async (request, context) => {
    requireOps(request, true);
    const reason = await reasonOf(request, 'Terminated from the ops console.');
    const { client, status } = await activeInstance(request, context);
    await client.terminate(status.instanceId, reason);
    context.log(`Ops terminated ${status.instanceId}: ${reason}`);
    await releasePublish(status, reason);
    return { status: 202, jsonBody: { instanceId: status.instanceId, reason } };
  }),
});

/**
 * The exit for an offer stuck "running" or "waiting for sign-off" whatever its orchestration's
 * state: an active one (Running, Pending, Suspended) is terminated first; one that already ended
 * (Failed, Completed, Terminated) without recording its end just has its offer released.
 */
app.http('opsRelease', {
  route: instanceRoute('/release'),
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [durable],
  handler: handle(async (request, context) => {
    requireOps(request, true);
    const reason = await reasonOf(request, 'Released from the ops console.');
    const client = df.getClient(context);
    const status = await statusOf(client, request.params.instanceId);
    if (status.name !== ORCHESTRATOR.publishOffer)
      fail(
        400,
        'NotAPublish',
        `Instance '${status.instanceId}' is not a publish orchestration; only a publish holds an offer.`,
      );
    const terminated = ACTIVE.has(status.runtimeStatus);
    if (terminated) await client.terminate(status.instanceId, reason);
    const released = await releasePublish(status, reason);
    context.log(
      `Ops released ${status.instanceId} (${status.runtimeStatus}${terminated ? ', terminated' : ''}): ${released ? 'offer released' : 'the offer was not held by it'}`,
    );
    return {
      status: 200,
      jsonBody: { instanceId: status.instanceId, runtimeStatus: status.runtimeStatus, terminated, released },
    };
  }),
});

/** The optional `{"reason": "…"}` of a terminate or release, at most 500 characters. */
async function reasonOf(request: HttpRequest, fallback: string): Promise<string> {
  const body = ((await optionalJson(request, 4096)) ?? {}) as { reason?: unknown };
  return typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim().slice(0, 500) : fallback;
}

/** A JSON body that may be left out (undefined then); malformed or oversized ones get 4xx. */
async function optionalJson(request: HttpRequest, maxBytes: number): Promise<unknown> {
  const text = (await request.text()).trim();
  if (!text) return undefined;
  if (Buffer.byteLength(text) > maxBytes)
    fail(413, 'RequestTooLarge', `The request body is limited to ${maxBytes} bytes.`);
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(400, 'InvalidJson', `The request body is not valid JSON: ${(e as Error).message}.`);
  }
}

/**
 * A terminated publish orchestration never records another step, so its offer would stay
 * "running" and refuse every new publish. Mark that publishing version failed at the step it had
 * reached, with the reason, so the partner can publish again (or open a support request).
 */
async function releasePublish(status: DurableOrchestrationStatus, reason: string): Promise<boolean> {
  if (status.name !== ORCHESTRATOR.publishOffer) return false;
  const input = status.input as Partial<PublishInput> | null;
  if (!input?.publisherId || !input.offerId) return false;
  const text = releaseMessage(reason);
  let released = false;
  await statuses.update(input.publisherId, input.offerId, nowIso, (s) => {
    const next = releasedByOps(s, status.instanceId, reason, nowIso());
    released = next !== undefined;
    return next;
  });
  if (released && input.operationId)
    await operations.update(input.publisherId, input.operationId, {
      submissionState: 'failed',
      message: text,
      changedTime: nowIso(),
    });
  if (released)
    await recordCommitted(
      newEntry(
        {
          publisherId: input.publisherId,
          offerId: input.offerId,
          event: 'releasedByOps',
          publishingVersion: input.version,
          operationId: input.operationId,
          details: { reason },
        },
        OPS,
      ),
    );
  return released;
}

// ---- support requests -----------------------------------------------------------------------

app.http('opsSupportRequests', {
  route: 'api/ops/support-requests',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request) => {
    requireOps(request);
    const state = request.query.get('state') ?? 'open';
    if (state !== 'open' && state !== 'resolved') fail(400, 'InvalidParameter', 'state must be open or resolved.');
    return { jsonBody: await supportRequests.inState(state as 'open' | 'resolved'), headers: noStore };
  }),
});

app.http('opsResolveSupportRequest', {
  route: 'api/ops/support-requests/{publisherId}/{ticketId}/resolve',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: handle(async (request): Promise<HttpResponseInit> => {
    requireOps(request, true);
    const { publisherId, ticketId } = request.params;
    if (!isValidOfferId(publisherId) || !/^SR-\d{8}-[A-Z0-9]{6}$/.test(ticketId))
      fail(404, 'NotFound', `No support request ${ticketId} for publisher ${publisherId}.`);
    const r = await supportRequests.get(publisherId, ticketId);
    if (!r) fail(404, 'NotFound', `No support request ${ticketId} for publisher ${publisherId}.`);
    if (r!.state !== 'resolved') {
      await supportRequests.update(publisherId, ticketId, { state: 'resolved', changedTime: nowIso() });
      await recordCommitted(
        newEntry(
          {
            publisherId,
            offerId: r!.offerId,
            event: 'supportResolved',
            publishingVersion: r!.publishingVersion,
            details: { ticketId },
          },
          OPS,
        ),
      );
    }
    return { jsonBody: { ...r!, state: 'resolved' } };
  }),
});
