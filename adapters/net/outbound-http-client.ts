// The Azure SDKs' transport for clients built from partner input (a partner's SAS URL, a partner's
// table connection string): every request goes through the outbound module, so the SDK can reach
// only what a partner URL may reach, whatever endpoint it derived from the partner's string.
import { RequestPolicy, toCompatResponse, WebResourceLike } from '@azure/core-http-compat';
import {
  createHttpHeaders,
  createPipelineRequest,
  HttpClient,
  PipelineRequest,
  PipelineResponse,
} from '@azure/core-rest-pipeline';
import { Readable } from 'node:stream';
import { OutboundTooLarge, outboundStream, readCapped } from './outbound';

/** Answers not asked for as a range are at most this long (SDK calls here are metadata and table rows). */
const MAX_PLAIN_ANSWER = 16 * 1024 * 1024;

type Body = PipelineRequest['body'];

async function toBody(body: Body): Promise<string | Buffer | Readable | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof body === 'function') return toBody((body as () => Body)());
  if (body instanceof Readable) return body;
  if (typeof (body as Blob).arrayBuffer === 'function') return Buffer.from(await (body as Blob).arrayBuffer());
  throw new Error('Unsupported request body for an outbound SDK call.');
}

/** The number of bytes a `Range: bytes=a-b` header asks for, if any. */
function rangeLength(headers: Record<string, string>): number | undefined {
  const range = headers['range'] ?? headers['x-ms-range'];
  const m = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
  return m ? Number(m[2]) - Number(m[1]) + 1 : undefined;
}

export function outboundHttpClient(what: string): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
      const res = await outboundStream(request.url, what, {
        method: request.method,
        headers,
        body: (await toBody(request.body)) as string | Buffer | undefined,
        timeoutMs: request.timeout > 0 ? request.timeout : 30_000,
      });
      const responseHeaders = createHttpHeaders();
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
      const cap = rangeLength(headers) ?? MAX_PLAIN_ANSWER;
      let body: Buffer;
      try {
        // A HEAD answer declares the blob's length but has no body.
        if (request.method === 'HEAD') {
          res.body.destroy();
          body = Buffer.alloc(0);
        } else body = await readCapped(res, cap);
      } catch (e) {
        if (e instanceof OutboundTooLarge)
          throw new Error(
            `${what}: the answer ${e.message}${rangeLength(headers) ? ' (the host ignored the range asked for)' : ''}.`,
          );
        throw e;
      }
      const response: PipelineResponse = { request, status: res.status, headers: responseHeaders };
      if (
        request.streamResponseStatusCodes?.has(res.status) ||
        request.streamResponseStatusCodes?.has(Number.POSITIVE_INFINITY)
      ) {
        response.readableStreamBody = Readable.from([body]);
      } else {
        response.bodyAsText = body.toString('utf8');
      }
      return response;
    },
  };
}

/**
 * The same transport in the shape the Storage SDKs take as `httpClient` (core-http-compat's
 * RequestPolicy), for BlobClient / PageBlobClient built from a partner's SAS URL.
 */
export function outboundStorageHttpClient(what: string): RequestPolicy {
  const inner = outboundHttpClient(what);
  return {
    async sendRequest(resource: WebResourceLike) {
      const request = createPipelineRequest({
        url: resource.url,
        method: resource.method,
        headers: createHttpHeaders(resource.headers.rawHeaders()),
        body: resource.body as Body,
        timeout: resource.timeout,
        abortSignal: resource.abortSignal,
        streamResponseStatusCodes: resource.streamResponseStatusCodes,
      });
      // The answer names the SDK's own request (not the copy sent here): the SDK finds how to read
      // the answer (its operation spec) on that request.
      const compat = toCompatResponse(await inner.sendRequest(request));
      compat.request = resource;
      return compat;
    },
  };
}
