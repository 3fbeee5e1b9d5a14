// The OpenAPI description served at /api/openapi.json against what the app really registers: every
// partner route (anything under publishers/ or marketplace/) must be described with exactly its
// methods, nothing unregistered may be described, and the document must hang together.
import fs from 'node:fs';
import path from 'node:path';
import { startStack, Stack } from '../../support/stack';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Registered HTTP routes that are not part of the partner API and so are not described, each with
 * the reason. Patterns match the path below `/api/` (or below `/` if a route ever leaves `api/`).
 * They can never excuse a route under publishers/ or marketplace/: those are partner routes.
 */
const NON_PARTNER_ROUTES: { pattern: RegExp; why: string }[] = [
  { pattern: /^health$/, why: 'liveness probe for load balancers and `npm start`, no contract' },
  { pattern: /^openapi\.json$/, why: 'this description itself' },
  { pattern: /^admin(\/|$)/, why: 'ops: publisher key administration and other OPS_ADMIN_KEY endpoints' },
  { pattern: /^ops(\/|$)/, why: 'the ops console and the API behind it (orchestration history, support queue)' },
  {
    pattern: /^\{path\}$/,
    why: "the web portal's static files at the site root; the portal itself calls the described API",
  },
  { pattern: /^\{\*[^}]+\}$/, why: 'a catch-all route serving static files' },
  { pattern: /^me$/, why: "the portal's after-sign-in question: who the caller is and which publishers it belongs to" },
  { pattern: /^auth\/config$/, why: "the portal's sign-in settings (issuer endpoints, client id, scope)" },
  { pattern: /^(runtime|durabletask)(\/|$)/, why: 'host internals (durable management API)' },
];
const PARTNER_SCOPE = /^(publishers|marketplace)(\/|$)/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

type Json = Record<string, any>;

interface RegisteredRoute {
  functionName: string;
  route: string;
  /** The full URL path in OpenAPI form, e.g. /api/publishers/{publisherId}/offers. */
  path: string;
  /** The path below /api/, for the non-partner patterns. */
  relative: string;
  methods: string[] | undefined;
}

/** `{version:int}`, `{id?}`, `{*rest}`, `{x=default}`, `{id:regex(^\d{3}$)}` → `{version}`, `{id}`, … */
export function toOpenApiPath(template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '{') {
      out += template[i];
      continue;
    }
    let depth = 1;
    let j = i + 1;
    while (j < template.length && depth > 0) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') depth--;
      j++;
    }
    const inner = template.slice(i + 1, j - 1);
    out += `{${/^\*?([^:?=]+)/.exec(inner)![1]}}`;
    i = j - 1;
  }
  return out;
}

function routePrefix(): string {
  const host = JSON.parse(fs.readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as Json;
  return String(host.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
}

function registeredRoutes(functions: Json[], prefix: string): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const f of functions) {
    const bindings: Json[] = Array.isArray(f.bindings) ? f.bindings : Object.values(f.bindings ?? {});
    const trigger = bindings.find((b) => String(b.type).toLowerCase() === 'httptrigger');
    if (!trigger) continue;
    // The Functions host's default route is the function name.
    const route = String(trigger.route ?? f.name).replace(/^\/+/, '');
    const full = toOpenApiPath(`/${prefix ? `${prefix}/` : ''}${route}`);
    const relative = full.replace(/^\/api(\/|$)/, '').replace(/^\//, '');
    const methods =
      Array.isArray(trigger.methods) && trigger.methods.length
        ? trigger.methods.map((m: string) => m.toLowerCase())
        : undefined;
    routes.push({ functionName: f.name, route, path: full, relative, methods });
  }
  return routes;
}

/** Follows a local `#/components/...` reference. */
function resolve(doc: Json, node: Json): Json {
  let cur = node;
  for (let hops = 0; cur && typeof cur.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error(`reference loop at ${node.$ref}`);
    const target = cur.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (!target) throw new Error(`unresolved reference ${cur.$ref}`);
    cur = target;
  }
  return cur;
}

let stack: Stack;
let doc: Json;
let routes: RegisteredRoute[];

beforeAll(async () => {
  stack = await startStack('.', { DEV_PUBLISHERS: 'contoso:k' });
  const fns = await fetch(stack.url('/admin/functions'));
  expect(fns.status).toBe(200);
  routes = registeredRoutes((await fns.json()) as Json[], routePrefix());
  const served = routes.find((r) => r.functionName === 'openApiDocument');
  if (!served) throw new Error('No function named openApiDocument is registered (functions/openapi.ts).');
  const res = await fetch(stack.url(served.path));
  expect(res.status).toBe(200);
  doc = (await res.json()) as Json;
});

afterAll(async () => {
  await stack?.stop();
});

test('the description is served anonymously at /api/openapi.json', async () => {
  const served = routes.find((r) => r.functionName === 'openApiDocument')!;
  expect(served.path).toBe('/api/openapi.json');
  expect(served.methods).toEqual(['get']);
  // No key: the stack has publisher keys seeded, and this request sends none.
  const res = await fetch(stack.url('/api/openapi.json'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
  expect(doc.servers).toEqual([{ url: stack.host.origin }]);
});

test('every partner route the app registers is described with exactly its methods, and nothing else is', () => {
  const problems: string[] = [];
  const described = new Map<string, string[]>();
  for (const [p, item] of Object.entries(doc.paths as Json))
    described.set(
      p,
      HTTP_METHODS.filter((m) => m in (item as Json)),
    );

  const registered = new Map<string, RegisteredRoute[]>();
  for (const r of routes) {
    const partner = PARTNER_SCOPE.test(r.relative);
    const excused = NON_PARTNER_ROUTES.find((n) => n.pattern.test(r.relative));
    if (!partner && excused) continue;
    if (!partner) {
      problems.push(
        `Route "${r.route}" (function ${r.functionName}, ${r.path}) is neither described nor listed as non-partner: ` +
          'describe it in domain/api/openapi-document.ts, or add it to NON_PARTNER_ROUTES in this test with the reason.',
      );
      continue;
    }
    if (!r.methods) {
      problems.push(
        `Partner route "${r.route}" (function ${r.functionName}) accepts every method: declare its methods so it can be described.`,
      );
      continue;
    }
    registered.set(r.path, [...(registered.get(r.path) ?? []), r]);
  }

  for (const [p, rs] of registered) {
    const methods = [...new Set(rs.flatMap((r) => r.methods!))];
    const documented = described.get(p);
    const who = rs.map((r) => `function ${r.functionName}, route "${r.route}"`).join('; ');
    if (!documented) {
      problems.push(
        `Partner route ${methods.map((m) => m.toUpperCase()).join(',')} ${p} (${who}) is registered but not described: add it to domain/api/openapi-document.ts.`,
      );
      continue;
    }
    for (const m of methods)
      if (!documented.includes(m))
        problems.push(
          `${m.toUpperCase()} ${p} (${who}) is registered but not described: add the ${m} operation to domain/api/openapi-document.ts.`,
        );
    for (const m of documented)
      if (!methods.includes(m))
        problems.push(`${m.toUpperCase()} ${p} is described but the app does not register it (${who}).`);
  }
  for (const p of described.keys()) {
    if (!registered.has(p))
      problems.push(`${p} is described in domain/api/openapi-document.ts but no partner route registers it.`);
  }
  if (problems.length)
    throw new Error(`The OpenAPI description and the registered routes differ:\n- ${problems.join('\n- ')}`);
});

test('every operation has an id, a success response and described errors in the error schema', () => {
  const problems: string[] = [];
  const ids = new Set<string>();
  const errorSchema = resolve(doc, { $ref: '#/components/schemas/Error' });
  expect(errorSchema.properties.error.required).toEqual(['code', 'message']);
  expect(Object.keys(errorSchema.properties.error.properties)).toEqual(['code', 'message', 'details']);

  for (const [p, item] of Object.entries(doc.paths as Json)) {
    for (const m of HTTP_METHODS.filter((x) => x in (item as Json))) {
      const op = (item as Json)[m] as Json;
      const where = `${m.toUpperCase()} ${p}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} is used twice`);
      ids.add(op.operationId);
      if (!op.summary) problems.push(`${where}: no summary`);
      const responses = Object.entries((op.responses ?? {}) as Json);
      if (responses.length === 0) problems.push(`${where}: no responses`);
      if (!responses.some(([code]) => /^2\d\d$/.test(code))) problems.push(`${where}: no 2xx response`);
      if (!responses.some(([code]) => code === '500')) problems.push(`${where}: no 500 response`);
      for (const [code, raw] of responses) {
        const r = resolve(doc, raw as Json);
        if (!/^[1-5]\d\d$/.test(code)) problems.push(`${where}: response code ${code} is not an HTTP status`);
        if (typeof r.description !== 'string' || !r.description) problems.push(`${where} ${code}: no description`);
        if (/^[45]/.test(code)) {
          const schema = r.content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/Error')
            problems.push(`${where} ${code}: errors must use the Error schema`);
        }
      }
      if (op.requestBody) {
        const rb = resolve(doc, op.requestBody);
        if (!rb.content || Object.keys(rb.content).length === 0)
          problems.push(`${where}: request body without content`);
      }
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
});

test('every path parameter is declared, required and in the path', () => {
  const problems: string[] = [];
  for (const [p, item] of Object.entries(doc.paths as Json)) {
    const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]).sort();
    const shared = ((item as Json).parameters ?? []).map((x: Json) => resolve(doc, x));
    for (const m of HTTP_METHODS.filter((x) => x in (item as Json))) {
      const own = (((item as Json)[m] as Json).parameters ?? []).map((x: Json) => resolve(doc, x));
      const all = [...shared, ...own];
      for (const prm of all) {
        if (!prm.name || !prm.in || !prm.schema)
          problems.push(`${m.toUpperCase()} ${p}: parameter ${JSON.stringify(prm)} needs name, in and schema`);
        if (prm.in === 'path' && prm.required !== true)
          problems.push(`${m.toUpperCase()} ${p}: path parameter ${prm.name} must be required`);
      }
      const declared = [...new Set(all.filter((x: Json) => x.in === 'path').map((x: Json) => x.name as string))].sort();
      if (JSON.stringify(declared) !== JSON.stringify(inPath))
        problems.push(
          `${m.toUpperCase()} ${p}: path parameters declared ${JSON.stringify(declared)}, template has ${JSON.stringify(inPath)}`,
        );
      const keys = all.map((x: Json) => `${x.in}:${x.name}`);
      if (new Set(keys).size !== keys.length) problems.push(`${m.toUpperCase()} ${p}: a parameter is declared twice`);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
});

test('partner operations need the publisher key or an Entra ID access token; marketplace operations are anonymous', () => {
  expect(doc.components.securitySchemes.publisherKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(doc.components.securitySchemes.entraId).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  expect(doc.security).toEqual([{ publisherKey: [] }, { entraId: [] }]);
  const problems: string[] = [];
  for (const [p, item] of Object.entries(doc.paths as Json)) {
    for (const m of HTTP_METHODS.filter((x) => x in (item as Json))) {
      const op = (item as Json)[m] as Json;
      const where = `${m.toUpperCase()} ${p}`;
      if (p.startsWith('/api/publishers/')) {
        if (op.security !== undefined && !op.security.some((s: Json) => 'publisherKey' in s))
          problems.push(`${where}: must require the publisher key`);
        if (!op.responses['401']) problems.push(`${where}: no 401 response`);
      } else if (p.startsWith('/api/marketplace/')) {
        if (JSON.stringify(op.security) !== '[]')
          problems.push(`${where}: marketplace operations are anonymous (security: [])`);
      }
      for (const s of op.security ?? [])
        for (const name of Object.keys(s))
          if (!doc.components.securitySchemes[name]) problems.push(`${where}: unknown security scheme ${name}`);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
});

test('every reference resolves and schemas use only OpenAPI 3.0 keywords', () => {
  const problems: string[] = [];
  const notIn30 = new Set([
    'const',
    '$schema',
    '$defs',
    'propertyNames',
    'prefixItems',
    'examples',
    'unevaluatedProperties',
    'dependentRequired',
    'contentEncoding',
  ]);
  const walk = (node: unknown, at: string, inSchema: boolean) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${at}/${i}`, inSchema));
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref') {
        try {
          resolve(doc, { $ref: v });
        } catch (e) {
          problems.push(`${at}: ${(e as Error).message}`);
        }
      }
      const schemaHere = inSchema || k === 'schema' || at === '/components/schemas';
      if (schemaHere && notIn30.has(k)) problems.push(`${at}/${k}: not an OpenAPI 3.0 schema keyword`);
      if (schemaHere && k === 'type' && Array.isArray(v))
        problems.push(`${at}/type: a list of types is not OpenAPI 3.0 (use nullable)`);
      // Under `properties` the keys are property names, not keywords.
      if (schemaHere && k === 'properties' && v && typeof v === 'object')
        for (const [name, sub] of Object.entries(v as Json)) walk(sub, `${at}/properties/${name}`, true);
      else walk(v, `${at}/${k}`, schemaHere);
    }
  };
  walk(doc, '', false);
  if (problems.length) throw new Error([...new Set(problems)].join('\n'));
});

test('route templates convert to OpenAPI paths', () => {
  expect(toOpenApiPath('publishers/{publisherId}/offers/{offerId}/versions/{version:int}')).toBe(
    'publishers/{publisherId}/offers/{offerId}/versions/{version}',
  );
  expect(toOpenApiPath('ops/instances/{instanceId?}')).toBe('ops/instances/{instanceId}');
  expect(toOpenApiPath('portal/{*path}')).toBe('portal/{path}');
  expect(toOpenApiPath('x/{id:regex(^\\d{3}$)}/{n:int:min(1)}/{mode=full}')).toBe('x/{id}/{n}/{mode}');
});
