import http from 'node:http';
import { compileBindings } from './bindings/binding-plans';
import { queueMessageEncoding } from './bindings/queue-output';
import { StorageBindings } from './bindings/storage-bindings';
import { applyLocalSettings, HostJson, loadApp, readHostJson } from './core/app-loader';
import { createCoreApi, installCoreModule } from './core/core-api';
import { installFaultHandlers } from './core/fault-isolation';
import { Invoker } from './core/invoker';
import { Logger } from './core/logger';
import { Registry, RegisteredFunction } from './core/registry';
import { LogLevel, RpcTypedData } from './core/types';
import { clientBindingData } from './durable/client-binding';
import { Clock } from './durable/clock';
import { DurableEngine } from './durable/engine';
import { handleManagement } from './durable/management-api';
import { HttpFunctions } from './http/http-functions';
import { HostKeys } from './http/keys';
import { sendError, sendJson } from './http/respond';
import { BodyReader, createHttpServer, isLoopback, listen, Route } from './http/server';
import { EventGridWebhook } from './triggers/event-grid-webhook';
import { StorageTriggers } from './triggers/storage-triggers';

export interface HostOptions {
  appDir: string;
  connectionString: string;
  port?: number;
  bindHost?: string;
  logLevel?: LogLevel;
  /** Lets tests move the clock forward through POST /admin/devhost/clock. */
  testClock?: boolean;
  leaseSeconds?: number;
  maxBodyBytes?: number;
}

export interface RunningHost {
  port: number;
  origin: string;
  registry: Registry;
  engine: DurableEngine;
  clock: Clock;
  hostJson: HostJson;
  stop(): Promise<void>;
}

/**
 * The devhost: plays the Functions host and the Durable extension for the app's unmodified
 * registrations, on one HTTP port, with state in the given storage account.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const logger = new Logger(opts.logLevel ?? 'information');
  // Before the app loads: an error its code lets escape (a timer callback, a promise nobody awaits)
  // fails the invocation it came from, or is logged, and never ends the host (fault-isolation.ts).
  const uninstallFaultHandlers = installFaultHandlers(logger);
  // The worker runs in the app's folder (azure-functions-host, src/WebJobs.Script/Workers/Rpc/
  // RpcWorkerProcess.cs), so an app's relative paths resolve against it; so does this host.
  process.chdir(opts.appDir);
  process.env.FUNCTIONS_APPLICATION_DIRECTORY = opts.appDir;
  applyLocalSettings(opts.appDir);
  // The app and its SDK clients read the storage connection from the same setting as in Azure.
  process.env.AzureWebJobsStorage = opts.connectionString;
  const hostJson = readHostJson(opts.appDir);
  const registry = new Registry();
  installCoreModule(createCoreApi(registry, (level, category, msg) => logger.log(level, `[${category}] ${msg}`)));
  const keys = HostKeys.fromEnv(process.env);
  const clock = new Clock();
  const invoker = new Invoker(registry, logger);

  // Bind first so the app can be told its own address (WEBSITE_HOSTNAME) before it loads.
  const routes: Route[] = [];
  const maxBodyBytes = opts.maxBodyBytes ?? Number(process.env.DEVHOST_MAX_REQUEST_BYTES ?? 100 * 1024 * 1024);
  const server: http.Server = createHttpServer(routes, logger, maxBodyBytes);
  const bindHost = opts.bindHost ?? '127.0.0.1';
  const port = await listen(server, opts.port ?? 7071, bindHost);
  const origin = `http://${bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost}:${port}`;
  process.env.WEBSITE_HOSTNAME ??= `${bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost}:${port}`;
  const ownOrigins = hostOrigins(origin, port, process.env.WEBSITE_HOSTNAME);

  const files = await loadApp(opts.appDir, registry);
  logger.info(`Loaded ${registry.functions.size} function(s) from ${files.length} file(s).`);
  // Every binding is either played or refused here, before anything runs: none is dropped silently.
  const bindings = compileBindings(registry.functions.values());
  if (bindings.errors.length) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    uninstallFaultHandlers();
    throw new Error(`The app cannot run on the devhost:\n${bindings.errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  invoker.bindings = new StorageBindings(bindings.plans, queueMessageEncoding(hostJson));

  const hubName = hostJson.extensions?.durableTask?.hubName ?? 'TestHubName';
  const engine = new DurableEngine({
    registry,
    invoker,
    logger,
    clock,
    connectionString: opts.connectionString,
    hubName,
    leaseSeconds: opts.leaseSeconds ?? Number(process.env.DEVHOST_LEASE_SECONDS ?? 30),
    maxConcurrentActivities: hostJson.extensions?.durableTask?.maxConcurrentActivityFunctions ?? 100,
    maxConcurrentOrchestrations: hostJson.extensions?.durableTask?.maxConcurrentOrchestratorFunctions ?? 16,
  });
  await engine.start();

  // The durable client always gets the host's own address: never one taken from the request (its
  // Host header or an absolute-form target), or a forged Host would send the client's calls elsewhere.
  const clientBinding = JSON.stringify(clientBindingData(origin, hubName, keys.durableKey));
  const durableClientInputs = (fn: RegisteredFunction): { name: string; data: RpcTypedData }[] =>
    Registry.inputBindingsOfType(fn, 'durableClient')
      .concat(Registry.inputBindingsOfType(fn, 'orchestrationClient'))
      .map((name) => ({ name, data: { string: clientBinding } }));

  const httpFunctions = new HttpFunctions(registry, invoker, keys, logger, durableClientInputs, maxBodyBytes);
  const triggers = new StorageTriggers({
    registry,
    invoker,
    logger,
    clock,
    hostJson,
    connectionString: opts.connectionString,
    extraInputs: durableClientInputs,
  });
  await triggers.start();

  const mgmt = { engine, clock, hubName, systemKey: keys.durableKey, origin };
  const eventGrid = new EventGridWebhook(registry, invoker, logger, durableClientInputs);
  const routePrefix = (hostJson.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const presentedKey = (req: http.IncomingMessage, url: URL) =>
    (req.headers['x-functions-key'] as string | undefined) || url.searchParams.get('code') || undefined;
  /**
   * The host's own endpoints are for tools and the app's durable client, never for web pages: a
   * browser marks every cross-site POST (and any non-simple request) with its page's Origin, so a
   * request whose Origin is not this host is a page in the developer's browser trying to drive the
   * host, and is refused before anything else is looked at. Requests without an Origin (curl, the
   * durable client, Event Grid) are unaffected.
   */
  const crossOrigin = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const o = req.headers.origin;
    if (o === undefined || ownOrigins.has(normalizeOrigin(o))) return false;
    sendError(res, 403, 'CrossOriginRefused', 'Host endpoints do not accept requests from web pages of other origins.');
    return true;
  };

  routes.push(
    async (req, res, url, body) => {
      const p = url.pathname;
      if (p === '/runtime/webhooks/durabletask' || p.startsWith('/runtime/webhooks/durabletask/')) {
        if (crossOrigin(req, res)) return true;
        // The system key or the master key, whenever keys are configured (as the extension's webhook).
        if (!keys.allows('system', presentedKey(req, url))) return unauthorized(res);
        await handleManagement(mgmt, req, res, url, p.slice('/runtime/webhooks/durabletask/'.length), body);
        return true;
      }
      if (p === '/runtime/webhooks/eventgrid') {
        if (crossOrigin(req, res)) return true;
        if (!keys.allows('system', presentedKey(req, url))) return unauthorized(res);
        await eventGrid.handle(req, res, url, body);
        return true;
      }
      if (p === '/durabletask' || p.startsWith('/durabletask/')) {
        // The client's rpcBaseUrl: like the real host's local RPC endpoint, reachable from this machine
        // only. Being on this machine proves nothing about who is asking (a browser is on it too), so
        // with keys configured it needs a key as well: `code=`, x-functions-key, or the key in the base
        // path the client binding hands out (`/durabletask/code/<key>/`; see client-binding.ts).
        if (!isLoopback(req)) return unauthorized(res);
        if (crossOrigin(req, res)) return true;
        const { key, subPath } = rpcKey(p.slice('/durabletask/'.length));
        if (!keys.allows('system', key ?? presentedKey(req, url))) return unauthorized(res);
        await handleManagement(mgmt, req, res, url, subPath, body);
        return true;
      }
      return false;
    },
    async (req, res, url, readBody) => {
      const p = url.pathname;
      if (!p.startsWith('/admin/')) return false;
      if (crossOrigin(req, res)) return true;
      if (!keys.allows('admin', presentedKey(req, url))) return unauthorized(res);
      if (p === '/admin/host/status') {
        sendJson(res, 200, {
          state: 'Running',
          version: 'devhost',
          functions: [...registry.functions.values()].map((f) => f.metadata.name),
          durable: engine.stats(),
          now: clock.nowIso(),
        });
        return true;
      }
      if (p === '/admin/functions') {
        sendJson(
          res,
          200,
          [...registry.functions.values()].map((f) => ({
            name: f.metadata.name,
            trigger: f.trigger.type,
            bindings: f.metadata.bindings,
          })),
        );
        return true;
      }
      if (p === '/admin/devhost/clock' && opts.testClock) {
        if (req.method !== 'POST') {
          sendJson(res, 200, { now: clock.nowIso() });
          return true;
        }
        let advanceMs: unknown;
        const body = await readBody();
        try {
          advanceMs = (JSON.parse(body.toString('utf8') || '{}') as { advanceMs?: unknown }).advanceMs;
        } catch {
          sendError(res, 400, 'BadRequest', 'Body must be JSON: {"advanceMs": <milliseconds>}.');
          return true;
        }
        if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
          sendError(res, 400, 'BadRequest', 'advanceMs must be a non-negative number of milliseconds.');
          return true;
        }
        sendJson(res, 200, { now: new Date(clock.advance(advanceMs)).toISOString() });
        return true;
      }
      sendError(res, 404, 'NotFound', `No admin endpoint at ${p}.`);
      return true;
    },
    async (req, res, url, body: BodyReader) => {
      const p = url.pathname;
      let routePath: string;
      const lower = p.toLowerCase();
      const prefix = routePrefix.toLowerCase();
      // ASP.NET routing matches the prefix case-insensitively, like the rest of the template.
      if (!routePrefix) routePath = p;
      else if (lower === `/${prefix}` || lower.startsWith(`/${prefix}/`)) routePath = p.slice(routePrefix.length + 1);
      else return false;
      return httpFunctions.handle(req, res, url, routePath, body);
    },
  );

  for (const r of httpFunctions.list())
    logger.info(
      `  ${r.name}: [${r.methods?.join(',') ?? 'ANY'}] ${origin}/${routePrefix ? routePrefix + '/' : ''}${r.template} (${r.authLevel})`,
    );

  let stopped = false;
  return {
    port,
    origin,
    registry,
    engine,
    clock,
    hostJson,
    async stop() {
      if (stopped) return;
      stopped = true;
      await triggers.stop();
      engine.stop();
      for (const hook of registry.hooks.appTerminate)
        await Promise.resolve(hook({ hookData: {}, appHookData: {} })).catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      uninstallFaultHandlers();
    },
  };
}

/** The origins this host is reached at from this machine: its own, under each loopback name, and WEBSITE_HOSTNAME's. */
function hostOrigins(origin: string, port: number, websiteHostname: string | undefined): Set<string> {
  const origins = new Set(
    [origin, `http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].map(normalizeOrigin),
  );
  if (websiteHostname)
    for (const scheme of ['http', 'https']) origins.add(normalizeOrigin(`${scheme}://${websiteHostname}`));
  return origins;
}

function normalizeOrigin(text: string): string {
  try {
    const u = new URL(text);
    return u.origin === 'null' ? text : u.origin.toLowerCase();
  } catch {
    // `null` (a sandboxed page, a redirect) and anything else unparseable is nobody's origin.
    return `invalid:${text}`;
  }
}

/** A key given in the RPC base path (`code/<key>/…`), and the management path after it. */
function rpcKey(subPath: string): { key?: string; subPath: string } {
  const m = /^code\/([^/]*)(?:\/|$)/.exec(subPath);
  if (!m) return { subPath };
  let key: string | undefined;
  try {
    key = decodeURIComponent(m[1]);
  } catch {
    key = undefined;
  }
  return { key: key ?? '', subPath: subPath.slice(m[0].length) };
}

function unauthorized(res: http.ServerResponse): true {
  res.writeHead(401, { 'Content-Length': 0 });
  res.end();
  return true;
}
