// Small helpers over the Durable management API, as a test (or ops tool) would call it.
import { Stack, waitUntil } from './stack';

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

const MGMT = '/runtime/webhooks/durabletask';

export async function start(stack: Stack, name: string, input?: unknown, instanceId?: string): Promise<string> {
  const res = await fetch(stack.url(`${MGMT}/orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: input === undefined ? '' : JSON.stringify(input),
  });
  if (res.status !== 202) throw new Error(`start ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function status(stack: Stack, id: string, query = ''): Promise<Status | undefined> {
  const res = await fetch(stack.url(`${MGMT}/instances/${encodeURIComponent(id)}${query}`));
  if (res.status === 404) return undefined;
  return (await res.json()) as Status;
}

export async function waitForStatus(
  stack: Stack,
  id: string,
  statuses: string[] = ['Completed', 'Failed', 'Terminated'],
  timeoutMs = 20_000,
): Promise<Status> {
  return waitUntil(
    async () => {
      const s = await status(stack, id, '?showHistory=true&showHistoryOutput=true');
      return s && statuses.includes(s.runtimeStatus) ? s : undefined;
    },
    timeoutMs,
    `${id} to reach ${statuses.join('/')}`,
  );
}

export async function raise(stack: Stack, id: string, event: string, data: unknown): Promise<number> {
  const res = await fetch(stack.url(`${MGMT}/instances/${id}/raiseEvent/${event}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  return res.status;
}

export async function advanceClock(stack: Stack, ms: number): Promise<string> {
  const res = await fetch(stack.url('/admin/devhost/clock'), {
    method: 'POST',
    body: JSON.stringify({ advanceMs: ms }),
  });
  return ((await res.json()) as { now: string }).now;
}
