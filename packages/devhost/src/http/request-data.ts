import { IncomingMessage } from 'node:http';
import { RpcNullableString, RpcTypedData } from '../core/types';

// What the host hands the worker about an HTTP request, built the way the host builds it, so that
// @azure/functions (any 4.x) turns it into the same `request.headers`, `query` and `params`.

/**
 * Header values as ASP.NET Core holds them: one string per name, repeated headers joined with ','
 * (StringValues.ToString()); names lower-cased as the host sends them (azure-functions-host,
 * src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcHttp).
 */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct))
    if (values !== undefined) headers[name] = values.join(',');
  return headers;
}

/**
 * The query as ASP.NET Core's query collection holds it: names compared case-insensitively (the
 * first spelling is kept), the values of a repeated name joined with ',', empty values kept
 * (dotnet/aspnetcore, src/Http/Http/src/Features/QueryFeature.cs, an OrdinalIgnoreCase accumulator).
 * Entries are [name, values] in first-seen order.
 */
export function queryCollection(url: URL): [string, string[]][] {
  const byKey = new Map<string, [string, string[]]>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    const entry = byKey.get(key);
    if (entry) entry[1].push(value);
    else byKey.set(key, [name, [value]]);
  }
  return [...byKey.values()];
}

/**
 * The RpcHttp of a buffered request. The Node worker declares UseNullableValueDictionaryForHttp, so
 * the host fills the nullable maps: every query value, empty ones too, and every route parameter
 * that has a value (an optional one left out has none and is absent). Same source as above.
 */
export function rpcHttp(
  req: IncomingMessage,
  url: URL,
  method: string,
  params: Record<string, string>,
  body: Buffer,
): RpcTypedData {
  const nullable = (entries: [string, string][]) =>
    Object.fromEntries(entries.map(([k, v]): [string, RpcNullableString] => [k, { value: v }]));
  return {
    http: {
      method,
      url: url.href,
      nullableHeaders: nullable(Object.entries(requestHeaders(req))),
      nullableQuery: nullable(queryCollection(url).map(([k, v]) => [k, v.join(',')])),
      nullableParams: nullable(Object.entries(params)),
      // The Buffer is a Uint8Array already: handing it over as it is saves a copy of the whole body.
      // No bytes, no body at all, as the host sends it: @azure/functions 4.3 builds an undici Request,
      // which refuses any body (even an empty one) on GET and HEAD.
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    },
  };
}

/**
 * The trigger metadata the host sends with an HTTP invocation: the HTTP extension's binding data
 * less the request object itself (azure-webjobs-sdk-extensions,
 * src/WebJobs.Extensions.Http/HttpTriggerAttributeBindingProvider.cs, GetRequestBindingData; the
 * request is left out because the worker declares RpcHttpTriggerMetadataRemoved, and null values
 * are skipped: azure-functions-host, src/WebJobs.Script.Grpc/Extensions/
 * ScriptInvocationContextExtensions.cs). In order, into one case-insensitive map: every query
 * name with its last value (but `code`), then the route parameters over them, then `Query` (the
 * query, last value of each name) and `Headers`, unless a name already took those keys.
 *
 * In HTTP stream mode @azure/functions reads `params` from here (everything but `Query` and
 * `Headers`: src/http/HttpRequest.ts, createStreamRequest), so there a query value shows in
 * `params` too, as on the real host. Not reproduced: the extension also adds the top-level
 * properties of a JSON body, which needs the whole body read first.
 */
export function httpTriggerMetadata(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
): Record<string, RpcTypedData> {
  const data = new CaseInsensitiveMap();
  const lastValues = queryCollection(url).map(([k, v]): [string, string] => [k, v[v.length - 1]]);
  for (const [name, value] of lastValues) if (name.toLowerCase() !== 'code') data.set(name, { string: value });
  for (const [name, value] of Object.entries(params)) data.set(name, { string: value });
  if (!data.has('Query')) data.set('Query', { json: JSON.stringify(Object.fromEntries(lastValues)) });
  if (!data.has('Headers')) data.set('Headers', { json: JSON.stringify(requestHeaders(req)) });
  return data.toObject();
}

/** A .NET Dictionary with an OrdinalIgnoreCase comparer: setting an existing name keeps its first spelling. */
class CaseInsensitiveMap {
  private readonly entries = new Map<string, [string, RpcTypedData]>();

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  set(name: string, value: RpcTypedData): void {
    const key = name.toLowerCase();
    this.entries.set(key, [this.entries.get(key)?.[0] ?? name, value]);
  }

  toObject(): Record<string, RpcTypedData> {
    // fromEntries defines own properties, so a name like `__proto__` cannot touch the prototype.
    return Object.fromEntries(this.entries.values());
  }
}
