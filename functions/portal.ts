// The web UI: the partner portal and the ops console, static ES modules and CSS from
// portal/static, served with a strict Content-Security-Policy. Only plain file names under that
// folder with a known type are served; everything else is 404.
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { app, HttpRequest, HttpResponseInit } from '@azure/functions';
import { fail, handle } from './_shared/http';
import { tokenSettings } from '../adapters/auth/access-tokens';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Scripts and styles only from this origin (no inline script, no eval); API calls only to it, and
// to the sign-in issuer (AUTH_ISSUER), whose token endpoint the portal redeems its code at.
export function portalCsp(env: NodeJS.ProcessEnv = process.env): string {
  let issuer = '';
  try {
    const configured = tokenSettings(env)?.issuer;
    issuer = configured ? ` ${new URL(configured).origin}` : '';
  } catch {
    /* not a URL: sign-in with tokens cannot work anyway */
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${issuer}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': portalCsp(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** portal/static, found from this file whether it runs from functions/ or dist/functions/. */
function findRoot(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'portal', 'static');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return path.resolve(__dirname, '..', '..', 'portal', 'static');
}

let root: Promise<string> | undefined;
const realRoot = () => (root ??= fs.realpath(findRoot()));

// Each segment a plain name: no "", ".", "..", hidden files, backslashes or encoded separators.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

const notFound = (): never => fail(404, 'NotFound', 'No such page.');

/** The file a request path names, or 404. Symlinks leading out of the folder are refused too. */
export async function resolvePortalFile(requestPath: string): Promise<{ file: string; type: string }> {
  const segments = requestPath === '' ? ['index.html'] : requestPath.split('/');
  if (segments.length > 8 || !segments.every((s) => SEGMENT.test(s) && !s.includes('..'))) notFound();
  const type = CONTENT_TYPES[path.extname(segments[segments.length - 1]).toLowerCase()];
  if (!type) notFound();
  const base = await realRoot();
  let file: string;
  try {
    file = await fs.realpath(path.join(base, ...segments));
    if (!file.startsWith(base + path.sep) || !(await fs.stat(file)).isFile()) notFound();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) notFound();
    throw e;
  }
  return { file: file!, type: type };
}

// The host's route prefix is empty so the portal can own "/"; every API route spells out its "api/".
// The constraint keeps this catch-all off the API and the host's own /admin and /runtime paths even
// where a host ranks a catch-all above them: an unknown /api/… path stays the host's plain 404.
export const PORTAL_ROUTE = '{*path:regex(^(?!(api|admin|runtime)(/|$)).*$)}';

app.http('portal', {
  route: PORTAL_ROUTE,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const { file, type } = await resolvePortalFile(request.params.path ?? '');
    const body = await fs.readFile(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    // Revalidated on every load, so a deployment is picked up at once; unchanged files cost a 304.
    const headers = { 'content-type': type, etag, 'cache-control': 'no-cache', ...securityHeaders() };
    if (request.headers.get('if-none-match') === etag) return { status: 304, headers };
    return { status: 200, body, headers };
  }),
});
