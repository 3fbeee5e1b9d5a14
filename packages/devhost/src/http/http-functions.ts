import { IncomingMessage, ServerResponse } from 'node:http';
import { Invoker, resultData } from '../core/invoker';
import { Logger } from '../core/logger';
import { RegisteredFunction, Registry } from '../core/registry';
import { RpcHttpCookie, RpcTypedData } from '../core/types';
import { AuthLevel, HostKeys } from './keys';
import { sendError } from './respond';
import { BodyReader } from './server';
import { compileRoute, CompiledRoute, sortRoutes } from './route-template';

interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[] | undefined;
  authLevel: AuthLevel;
}

/** HTTP-triggered functions: Functions route templates under the route prefix, methods, auth levels. */
export class HttpFunctions {
  private readonly routes: HttpRoute[];

  constructor(
    registry: Registry,
    private readonly invoker: Invoker,
    private readonly keys: HostKeys,
    private readonly logger: Logger,
    /** Extra inputs (the durable client); built from the host's own address, never from the request. */
    private readonly extraInputs: (fn: RegisteredFunction) => { name: string; data: RpcTypedData }[],
  ) {
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
    await this.invoke(hit.r, hit.params!, req, res, url, method, await readBody());
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
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    // The host hands the query over as one string per name; repeated names are joined with ','.
    const query: Record<string, string> = {};
    for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k).join(',');
    // The Buffer is a Uint8Array already: handing it over as it is saves a copy of the whole body.
    // No bytes, no body at all, as the host sends it: @azure/functions 4.3 builds an undici Request,
    // which refuses any body (even an empty one) on GET and HEAD.
    const http = {
      method,
      url: url.href,
      headers,
      query,
      params,
      ...(body.length > 0 ? { body: { bytes: body as Uint8Array } } : {}),
    };
    const inputData = [{ name: route.fn.triggerName, data: { http } as RpcTypedData }, ...this.extraInputs(route.fn)];
    const started = Date.now();
    const outcome = await this.invoker.invoke(route.fn, { inputData });
    const scope = { functionName: route.fn.metadata.name, invocationId: outcome.invocationId };
    if (outcome.error) {
      this.logger.log(
        'error',
        `Executed (Failed, ${Date.now() - started} ms): ${outcome.error.stack ?? outcome.error.message}`,
        scope,
      );
      // Like the host: a failing function gets a bare 500, never its stack trace.
      res.writeHead(500, { 'Content-Length': 0 });
      res.end();
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
