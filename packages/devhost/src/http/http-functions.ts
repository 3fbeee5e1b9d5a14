import { IncomingMessage, ServerResponse } from 'node:http';
import { newId } from '../core/ids';
import { InvocationOutcome, Invoker, resultData } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction, Registry } from '../core/registry';
import { RpcHttpCookie, RpcTypedData } from '../core/types';
import { AuthLevel, HostKeys } from './keys';
import { httpTriggerMetadata, rpcHttp } from './request-data';
import { sendError } from './respond';
import { BodyReader, TooLarge } from './server';
import { compileRoute, CompiledRoute, sortRoutes } from './route-template';
import { StreamForward } from './stream-forward';

interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[] | undefined;
  authLevel: AuthLevel;
}

/** HTTP-triggered functions: Functions route templates under the route prefix, methods, auth levels. */
export class HttpFunctions {
  private readonly routes: HttpRoute[];
  /** Where the app's HTTP stream proxy listens, when it runs in stream mode (see stream-forward.ts). */
  private readonly streamUri: URL | undefined;

  constructor(
    registry: Registry,
    private readonly invoker: Invoker,
    private readonly keys: HostKeys,
    private readonly logger: Logger,
    /** Extra inputs (the durable client); built from the host's own address, never from the request. */
    private readonly extraInputs: (fn: RegisteredFunction) => { name: string; data: RpcTypedData }[],
    private readonly maxBodyBytes: number,
  ) {
    this.streamUri = streamUri(registry.capabilities.HttpUri);
    this.routes = sortRoutes(
      registry.byTrigger('httpTrigger').map((fn) => {
        const t = fn.trigger as { route?: string; methods?: string[]; authLevel?: string };
        return {
          fn,
          route: compileRoute(t.route ?? fn.metadata.name),
          methods: t.methods?.map((m) => m.toUpperCase()),
          authLevel: (t.authLevel ?? 'function').toLowerCase() as AuthLevel,
        };
      }),
    );
  }

  list(): { name: string; template: string; methods: string[] | undefined; authLevel: AuthLevel }[] {
    return this.routes.map((r) => ({
      name: r.fn.metadata.name,
      template: r.route.template,
      methods: r.methods,
      authLevel: r.authLevel,
    }));
  }

  /**
   * Handles the request if a route matches its path; false when none does. The body is read only
   * once the route, method and key have been accepted, so a refused request is never buffered.
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    routePath: string,
    readBody: BodyReader,
  ): Promise<boolean> {
    const method = (req.method ?? 'GET').toUpperCase();
    const matches = this.routes.map((r) => ({ r, params: r.route.match(routePath) })).filter((m) => m.params);
    if (matches.length === 0) return false;
    const hit = matches.find((m) => !m.r.methods || m.r.methods.includes(method));
    if (!hit) {
      const allow = [...new Set(matches.flatMap((m) => m.r.methods ?? []))].join(', ');
      res.setHeader('Allow', allow);
      sendError(res, 405, 'MethodNotAllowed', `${method} is not allowed here; use ${allow}.`);
      return true;
    }
    // As the host does: the x-functions-key header first, then the `code` query parameter.
    const presented = headerValue(req, 'x-functions-key') ?? url.searchParams.get('code') ?? undefined;
    if (!this.keys.allows(hit.r.authLevel, presented)) {
      res.writeHead(401, { 'Content-Length': 0 });
      res.end();
      return true;
    }
    if (this.streamUri) await this.invokeStreamed(this.streamUri, hit.r, hit.params!, req, res, url, method);
    else await this.invoke(hit.r, hit.params!, req, res, url, method, await readBody());
    return true;
  }

  private async invoke(
    route: HttpRoute,
    params: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    body: Buffer,
  ): Promise<void> {
    const inputData = [
      { name: route.fn.triggerName, data: rpcHttp(req, url, method, params, body) },
      ...this.extraInputs(route.fn),
    ];
    const started = Date.now();
    const outcome = await this.invoker.invoke(route.fn, {
      inputData,
      triggerMetadata: httpTriggerMetadata(req, url, params),
    });
    const scope = { functionName: route.fn.metadata.name, invocationId: outcome.invocationId };
    if (outcome.error) {
      this.failed(route.fn, outcome, started, res);
      return;
    }
    const data = resultData(outcome.response);
    const r = data && 'http' in data ? data.http : undefined;
    const status = r?.statusCode ? Number(r.statusCode) : data ? 200 : 204;
    try {
      if (!Number.isInteger(status) || status < 200 || status > 999)
        throw new Error(`the status code '${r?.statusCode}' is not valid`);
      for (const [k, v] of Object.entries(r?.headers ?? {})) res.setHeader(k, v);
      // Cookies are added to any Set-Cookie the function put in its headers, as the host does.
      const cookies = (r?.cookies ?? []).map(cookieHeader);
      if (cookies.length) {
        const existing = res.getHeader('Set-Cookie');
        const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
        res.setHeader('Set-Cookie', [...before, ...cookies]);
      }
      res.statusCode = status;
    } catch (e) {
      // A response Node cannot send (bad status, header name or value) is the function's failure.
      this.logger.log(
        'error',
        `Executed (Failed, ${Date.now() - started} ms): invalid HTTP response: ${(e as Error).message}`,
        scope,
      );
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.writeHead(500, { 'Content-Length': 0 });
      res.end();
      return;
    }
    this.logger.log(
      'information',
      `Executed ${method} ${url.pathname} → ${status} (${Date.now() - started} ms)`,
      scope,
    );
    const b = r?.body as { bytes?: Uint8Array; string?: string } | undefined;
    const out = b?.bytes ? Buffer.from(b.bytes) : b?.string !== undefined ? Buffer.from(b.string) : Buffer.alloc(0);
    if (status === 204 || status === 304) {
      // These carry no body (and a 204 no Content-Length).
      if (status === 204) res.removeHeader('Content-Length');
      res.end();
      return;
    }
    res.setHeader('Content-Length', out.length);
    res.end(method === 'HEAD' ? undefined : out);
  }

  /**
   * Stream mode: the request goes to the library's proxy as it arrives and the function's response
   * comes back from there as it is written (stream-forward.ts); the invocation itself carries no
   * request data but its trigger metadata (the host sends an empty RpcHttp: GrpcMessageConversionExtensions.cs).
   */
  private async invokeStreamed(
    target: URL,
    route: HttpRoute,
    params: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    // A declared length over the limit is refused before anything runs, as when buffering.
    if (Number(req.headers['content-length'] ?? 0) > this.maxBodyBytes) throw new TooLarge();
    const invocationId = newId();
    const started = Date.now();
    // Forwarding starts first, as the host's does, so the library finds the request when the invocation asks.
    const forward = new StreamForward(target, req, res, url, invocationId, this.maxBodyBytes);
    const outcome = await this.invoker.invoke(route.fn, {
      invocationId,
      inputData: [{ name: route.fn.triggerName, data: { http: {} } }, ...this.extraInputs(route.fn)],
      triggerMetadata: httpTriggerMetadata(req, url, params),
    });
    const scope = { functionName: route.fn.metadata.name, invocationId };
    const tooLarge = () => {
      this.logger.log('warning', `Executed (Failed): the request body exceeds ${this.maxBodyBytes} bytes`, scope);
      throw new TooLarge();
    };
    if (outcome.error) {
      forward.abort();
      if (forward.tooLarge && !res.headersSent) tooLarge();
      // The real host never answers here (the library leaves the proxied request open:
      // Azure/azure-functions-nodejs-library#324); a bare 500 at once says more.
      this.failed(route.fn, outcome, started, res);
      return;
    }
    // The library has written the whole response by the time the invocation returns; what is still
    // on its way arrives within moments, and a head that never comes means there was no response.
    const relayed = await forward.settled(RESPONSE_GRACE_MS);
    if (!relayed && forward.tooLarge && !res.headersSent) tooLarge();
    if (!relayed && !res.headersSent) {
      forward.abort();
      this.logger.log(
        'error',
        `Executed (Failed, ${Date.now() - started} ms): the function returned no HTTP response (in stream mode the library sends one only for a returned response)`,
        scope,
      );
      res.writeHead(500, { 'Content-Length': 0 });
      res.end();
      return;
    }
    this.logger.log(
      'information',
      `Executed ${method} ${url.pathname} → ${forward.status ?? res.statusCode}${relayed ? '' : ' (cut off)'} (${Date.now() - started} ms)`,
      scope,
    );
  }

  private failed(fn: RegisteredFunction, outcome: InvocationOutcome, started: number, res: ServerResponse): void {
    this.logger.log('error', `Executed (Failed, ${Date.now() - started} ms): ${outcome.errorText}`, {
      functionName: fn.metadata.name,
      invocationId: outcome.invocationId,
    });
    // Like the host: a failing function gets a bare 500, never its stack trace.
    if (res.headersSent) return void res.destroy();
    res.writeHead(500, { 'Content-Length': 0 });
    res.end();
  }
}

const RESPONSE_GRACE_MS = 5_000;

function streamUri(httpUri: string | undefined): URL | undefined {
  if (!httpUri) return undefined;
  try {
    return new URL(httpUri);
  } catch {
    throw new Error(
      `The app's programming model reported an HTTP stream address (HttpUri) that is not a URL: ${httpUri}`,
    );
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cookieHeader(c: RpcHttpCookie): string {
  // ASP.NET Core's Response.Cookies.Append escapes the value (Uri.EscapeDataString), so a value with
  // ';', ',' or spaces arrives intact instead of breaking the header.
  const parts = [`${c.name}=${escapeDataString(c.value ?? '')}`];
  if (c.domain?.value) parts.push(`Domain=${c.domain.value}`);
  if (c.path?.value) parts.push(`Path=${c.path.value}`);
  if (c.expires?.value?.seconds !== undefined)
    parts.push(`Expires=${new Date(c.expires.value.seconds * 1000).toUTCString()}`);
  if (c.maxAge?.value !== undefined) parts.push(`Max-Age=${c.maxAge.value}`);
  if (c.secure?.value) parts.push('Secure');
  if (c.httpOnly?.value) parts.push('HttpOnly');
  if (c.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (c.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (c.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}

/** .NET's Uri.EscapeDataString: everything but RFC 3986 unreserved characters is percent-encoded. */
function escapeDataString(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
