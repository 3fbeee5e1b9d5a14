import http, { IncomingMessage, ServerResponse } from 'node:http';

/**
 * HTTP stream mode. An app that calls `app.setup({ enableHttpStream: true })` gets a local HTTP
 * server from @azure/functions (src/http/httpProxy.ts), whose address the library reports as the
 * `HttpUri` capability. The real host then forwards each HTTP-triggered request there with YARP
 * before it sends the invocation (azure-functions-host, src/WebJobs.Script.Grpc/Server/
 * DefaultHttpProxyService.cs and Channel/GrpcWorkerChannel.cs): the request as it arrives, body
 * streamed, plus `x-ms-invocation-id` (which the library pairs with the invocation) and YARP's
 * X-Forwarded-For/-Host/-Proto in place of the Host (the library builds the request URL from
 * those); the library writes the function's response to that connection, which the host streams
 * back to the client.
 *
 * The body is counted on its way through: past `maxBodyBytes` the forwarded request is cut off
 * (the function sees its body fail) and `tooLarge` is set, so the caller can answer 413.
 */
export class StreamForward {
  /** The body went past the limit; the forwarded request was cut off. */
  tooLarge = false;
  /** The library's response status, once its head has arrived. */
  status: number | undefined;
  private readonly proxyReq: http.ClientRequest;
  private responded = false;
  private relayDone: Promise<void>;
  private relayed: () => void = () => undefined;
  private failure: Error | undefined;

  constructor(
    target: URL,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    url: URL,
    invocationId: string,
    private readonly maxBodyBytes: number,
  ) {
    this.relayDone = new Promise((resolve) => (this.relayed = resolve));
    this.proxyReq = http.request({
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: forwardedHeaders(req, url, invocationId),
      // One connection per request: nothing to keep alive between two processes' worth of one.
      agent: false,
    });
    this.proxyReq.on('response', (r) => this.relay(r));
    this.proxyReq.on('error', (e) => this.fail(e));
    this.sendBody();
    // The client went away: nothing is left to forward or to answer.
    res.once('close', () => {
      if (!res.writableFinished) this.abort();
    });
  }

  /** Stops forwarding: the library's side of the connection closes, and no response will be relayed. */
  abort(): void {
    this.req.off('data', this.onData);
    this.proxyReq.destroy();
    this.relayed();
  }

  /**
   * Resolves once the response has been relayed to the client in full, the forwarding failed, or
   * (when no response head has come) `graceMs` has passed. True if a response was relayed.
   */
  async settled(graceMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (!this.responded) resolve();
      }, graceMs);
    });
    await Promise.race([this.relayDone, grace]);
    clearTimeout(timer);
    return this.responded && !this.failure;
  }

  private seen = 0;
  private waiting = false;
  private readonly onData = (chunk: Buffer): void => {
    this.seen += chunk.length;
    if (this.seen > this.maxBodyBytes) {
      this.tooLarge = true;
      this.abort();
      return;
    }
    // The function reads at its own pace: the client is held back rather than the body buffered.
    if (!this.proxyReq.write(chunk) && !this.waiting) {
      this.waiting = true;
      this.req.pause();
      this.proxyReq.once('drain', () => {
        this.waiting = false;
        this.req.resume();
      });
    }
  };

  private sendBody(): void {
    this.req.on('data', this.onData);
    this.req.once('end', () => {
      this.req.off('data', this.onData);
      if (!this.tooLarge) this.proxyReq.end();
    });
    // A client that disconnects mid-body: the function's body fails as the forwarded request is cut.
    this.req.once('close', () => {
      if (!this.req.complete) this.abort();
    });
  }

  private relay(proxied: IncomingMessage): void {
    const res = this.res;
    if (res.headersSent || res.destroyed) {
      proxied.resume();
      return;
    }
    this.responded = true;
    this.status = proxied.statusCode ?? 500;
    res.statusCode = this.status;
    // As a proxy does: the head as the library wrote it, less what belongs to that connection.
    const connection = hopByHop(proxied.headers.connection);
    for (const [name, values] of Object.entries(proxied.headersDistinct))
      if (values !== undefined && !connection.has(name)) res.setHeader(name, values);
    // The head goes out now, not with the first chunk: a stream may take a while to produce one.
    res.flushHeaders();
    proxied.pipe(res);
    proxied.once('end', () => {
      // The response is complete; a body the function never read is of no more use to it.
      if (!this.req.complete) this.abort();
      this.relayed();
    });
    proxied.once('close', () => {
      if (!proxied.complete) {
        // Cut off mid-body: the client must not take a truncated body for a whole one.
        res.destroy();
        this.fail(new Error('The connection to the app closed before the response was complete.'));
      }
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.relayed();
  }
}

/** Connection-specific headers (RFC 9110 §7.6.1) and any the Connection header names: never forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function hopByHop(connectionHeader: string | undefined): Set<string> {
  const named = (connectionHeader ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...HOP_BY_HOP, ...named]);
}

function forwardedHeaders(req: IncomingMessage, url: URL, invocationId: string): http.OutgoingHttpHeaders {
  const skip = hopByHop(req.headers.connection);
  // The Host becomes the library's own; an Expect was answered here already. YARP sets (not
  // appends) the X-Forwarded headers, so whatever the client sent under those names is replaced.
  for (const name of ['host', 'expect', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']) skip.add(name);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(req.headersDistinct))
    if (values !== undefined && !skip.has(name)) headers[name] = values;
  // A body without a declared length goes on chunked, whatever the method (Node would send a GET's
  // body unframed otherwise).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined)
    headers['transfer-encoding'] = 'chunked';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  headers['x-forwarded-host'] = url.host;
  headers['x-forwarded-proto'] = url.protocol.replace(/:$/, '');
  headers['x-ms-invocation-id'] = invocationId;
  return headers;
}
