// `context.df.callHttp`: the host, not the orchestrator, makes the call. The extension schedules it
// as the built-in activity `BuiltIn::HttpActivity` whose input is the DurableHttpRequest and whose
// result is a DurableHttpResponse `{ statusCode, headers, content }` (Options/HttpOptions.cs,
// DurableHttpRequest.cs, DurableHttpResponse.cs in Azure/azure-functions-durable-extension). With
// replay schema V3 and later the JS library itself turns a 202 with Location into a durable timer
// (Retry-After seconds, else defaultHttpAsyncRequestSleepTimeMillseconds) and a new call
// (durable-functions lib/src/task/CallHttpWithPollingTask.js), so each call here is one request.

export const HTTP_ACTIVITY = 'BuiltIn::HttpActivity';

/** The extension's durable HTTP client times out after 240 s (DurableHttpClientFactory.cs). */
const DEFAULT_TIMEOUT_SECONDS = 240;

export interface DurableHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  content: string;
}

/** A call that could not be made: the task fails with this message, the host carries on. */
export class HttpCallError extends Error {}

interface DurableHttpRequest {
  method?: unknown;
  uri?: unknown;
  content?: unknown;
  headers?: unknown;
  tokenSource?: unknown;
}

function timeoutMs(): number {
  const s = Number(process.env.DEVHOST_HTTP_TIMEOUT_SECONDS ?? DEFAULT_TIMEOUT_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

function requestOf(input: string | null): DurableHttpRequest {
  let req: unknown;
  try {
    req = input === null ? null : JSON.parse(input);
  } catch {
    throw new HttpCallError('The HTTP request is not valid JSON.');
  }
  if (typeof req !== 'object' || req === null) throw new HttpCallError('The HTTP request is missing.');
  return req;
}

function headersOf(h: unknown): Record<string, string> {
  if (h === undefined || h === null) return {};
  if (typeof h !== 'object' || Array.isArray(h)) throw new HttpCallError('The request headers must be an object.');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(h as Record<string, unknown>)) {
    // The extension's headers are StringValues: one string or several.
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v.join(', ');
    else throw new HttpCallError(`The request header '${name}' is not a string.`);
  }
  return out;
}

/** Makes one durable HTTP call and answers the response the orchestrator will see. */
export async function callDurableHttp(input: string | null): Promise<DurableHttpResponse> {
  const req = requestOf(input);
  if (req.tokenSource)
    throw new HttpCallError(
      'Managed-identity tokens (tokenSource) are not available on the devhost; pass the Authorization header yourself.',
    );
  if (typeof req.uri !== 'string' || !req.uri) throw new HttpCallError('The HTTP request has no url.');
  let url: URL;
  try {
    url = new URL(req.uri);
  } catch {
    throw new HttpCallError(`'${req.uri}' is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpCallError(`Only http and https URLs can be called, not '${url.protocol}'.`);
  const method = typeof req.method === 'string' && req.method ? req.method.toUpperCase() : 'GET';
  if (!/^[A-Z]+$/.test(method)) throw new HttpCallError(`'${method}' is not an HTTP method.`);
  const headers = headersOf(req.headers);
  const body =
    req.content === undefined || req.content === null || method === 'GET' || method === 'HEAD'
      ? undefined
      : typeof req.content === 'string'
        ? req.content
        : JSON.stringify(req.content);
  const limit = timeoutMs();
  try {
    // One signal for the whole exchange: a server that answers its headers and then stalls the body
    // times out too.
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(limit) });
    const content = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => (out[name] = value));
    return { statusCode: res.status, headers: out, content };
  } catch (e) {
    const err = e as Error & { cause?: { message?: string; code?: string } };
    if (err.name === 'TimeoutError')
      throw new HttpCallError(`${method} ${url.href} timed out after ${limit / 1000} s.`);
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new HttpCallError(`${method} ${url.href} failed: ${cause}`);
  }
}
