// The binding data of one invocation: the names a binding expression can use. What each trigger
// contributes, as the host builds it:
// - its trigger metadata (queue: QueueTrigger, DequeueCount, Id, …; blob: BlobTrigger, Uri, the
//   path's `{tokens}`; activity: instanceId), as sent to the worker;
// - HTTP: the body's top-level JSON properties, then the query (without `code`), then the route's
//   parameters, and `$request` with headers/query/path/body (GetRequestBindingDataAsync in
//   Azure/azure-webjobs-sdk-extensions, src/WebJobs.Extensions.Http/HttpTriggerAttributeBindingProvider.cs);
// - activity: `data`, the input (ActivityTriggerAttributeBindingProvider in
//   Azure/azure-functions-durable-extension);
// - any trigger whose value is text holding a JSON object: its top-level properties other than arrays,
//   over everything else (Utility.ApplyBindingData in Azure/azure-functions-host,
//   src/WebJobs.Script/Utility.cs; that is how the sample's `backups/{backupPath}` finds the
//   activity input's `backupPath`);
// - `sys` (binding-expressions.ts).
import { InvocationInput } from '../core/invoker';
import { RegisteredFunction } from '../core/registry';
import { RpcHttpData, RpcNullableString, RpcTypedData } from '../core/types';
import { systemBindingData } from './binding-expressions';

export type BindingData = Record<string, unknown>;

/** A case-insensitive property lookup (the host's binding data and JObject lookups both ignore case). */
export function lookup(data: Record<string, unknown>, name: string): { present: boolean; value?: unknown } {
  if (Object.prototype.hasOwnProperty.call(data, name)) return { present: true, value: data[name] };
  const lower = name.toLowerCase();
  for (const key of Object.keys(data)) if (key.toLowerCase() === lower) return { present: true, value: data[key] };
  return { present: false };
}

export function bindingDataFor(fn: RegisteredFunction, input: InvocationInput): BindingData {
  const data: BindingData = { sys: systemBindingData(fn.metadata.name) };
  for (const [k, v] of Object.entries(input.triggerMetadata ?? {})) data[k] = typedValue(v);
  const trigger = input.inputData.find((d) => d.name === fn.triggerName)?.data;
  const type = fn.trigger.type.toLowerCase();
  if (trigger && 'http' in trigger) Object.assign(data, httpBindingData(trigger.http));
  if (type === 'activitytrigger' && trigger && 'string' in trigger) data.data = parseOr(trigger.string, trigger.string);
  if (trigger && 'string' in trigger) Object.assign(data, jsonObjectProperties(trigger.string));
  return data;
}

function httpBindingData(http: RpcHttpData): BindingData {
  const data: BindingData = {};
  const headers = plainMap(http.nullableHeaders, http.headers);
  const query = Object.fromEntries(
    Object.entries(plainMap(http.nullableQuery, http.query)).filter(([k]) => k.toLowerCase() !== 'code'),
  );
  const path = plainMap(http.nullableParams, http.params);
  const request: Record<string, unknown> = { headers, query, path };
  const body = http.body?.bytes ? Buffer.from(http.body.bytes).toString('utf8') : http.body?.string;
  if (body) {
    const props = jsonObjectProperties(body);
    Object.assign(data, props);
    if (Object.keys(props).length || isJsonObjectText(body)) request.body = JSON.parse(body) as unknown;
  }
  Object.assign(data, query, path);
  data.$request = request;
  return data;
}

/** The nullable map when there is one (the host fills those for the Node worker: http/request-data.ts), else the plain one. */
function plainMap(
  nullable: Record<string, RpcNullableString> | undefined,
  plain: Record<string, string> | undefined,
): Record<string, string> {
  if (nullable && Object.keys(nullable).length > 0)
    return Object.fromEntries(Object.entries(nullable).map(([k, v]) => [k, v.value ?? '']));
  return { ...(plain ?? {}) };
}

/** Top-level properties of text that is a JSON object: objects kept, arrays dropped, the rest as text. */
function jsonObjectProperties(text: string): BindingData {
  if (!isJsonObjectText(text)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: BindingData = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null || Array.isArray(v)) continue;
    if (typeof v === 'object') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 'True' : 'False';
    else if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

function isJsonObjectText(text: string): boolean {
  const t = text.trim();
  return t.startsWith('{') && t.endsWith('}');
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

function typedValue(v: RpcTypedData): unknown {
  if ('string' in v) return v.string;
  if ('json' in v) return parseOr(v.json, v.json);
  if ('int' in v) return v.int;
  if ('double' in v) return v.double;
  if ('bytes' in v) return Buffer.from(v.bytes);
  return undefined;
}
