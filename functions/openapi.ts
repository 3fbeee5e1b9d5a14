// The OpenAPI description of the partner API (domain/api/openapi-document.ts), anonymous so that
// tools can import it before anyone has a key.
import { app, HttpRequest } from '@azure/functions';
import { openApiDocument } from '../domain/api/openapi-document';
import { configuredPublicBaseUrl } from '../adapters/settings/public-url';

let document: ReturnType<typeof openApiDocument> | undefined;

app.http('openApiDocument', {
  route: 'api/openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest) => {
    document ??= openApiDocument();
    // PUBLIC_BASE_URL when a front door serves the API under another origin; else where we were reached.
    const serverUrl = configuredPublicBaseUrl() ?? new URL(request.url).origin;
    return {
      jsonBody: { ...document, servers: [{ url: serverUrl }] },
      headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' },
    };
  },
});
