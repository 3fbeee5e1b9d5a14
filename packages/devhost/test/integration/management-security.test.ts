// Who may drive the Durable management API on the devhost, and where its URLs point:
// - JSON only: a web page in the developer's browser can send a cross-site `text/plain` POST without
//   a CORS preflight, so any management POST/PUT with a non-JSON body is refused (400), and a request
//   carrying a foreign `Origin` is refused (403) before anything else happens;
// - keys: with DEVHOST_MASTER_KEY set, both `/runtime/webhooks/durabletask/…` and the rpcBaseUrl
//   routes `/durabletask/…` need the system key or the master key, and no URL the host hands out
//   (management payloads, the durable client binding) carries the master key;
// - the durable client's base URL is the host's own address, whatever Host header or absolute-form
//   target a request came with.
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import { DevhostProcess, startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

const WEBHOOK = '/runtime/webhooks/durabletask';
const RPC = '/durabletask';
const APP = fixture('fault-app');

interface Status {
  runtimeStatus: string;
  output: unknown;
  historyEvents?: { EventType: string; Name?: string }[];
}

interface Binding {
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** Sends bytes exactly as given (no client-side URL or Host normalisation) and returns the raw response. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setTimeout(20_000, () => {
      socket.destroy();
      reject(new Error(`no response to ${JSON.stringify(text)}; got ${JSON.stringify(out)}`));
    });
    socket.on('data', (c) => {
      out += c.toString('latin1');
      const head = out.indexOf('\r\n\r\n');
      if (head >= 0) {
        const length = /content-length: *(\d+)/i.exec(out.slice(0, head));
        if (length && out.length >= head + 4 + Number(length[1])) {
          socket.destroy();
          resolve(out);
        }
      }
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.write(text);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

/** A server that records whatever reaches it: where a forged Host would have sent the durable client. */
async function captureServer(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

describe('without host keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(APP);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const status = async (id: string): Promise<Status> =>
    (await (
      await fetch(stack.url(`${WEBHOOK}/instances/${encodeURIComponent(id)}?showHistory=true`))
    ).json()) as Status;

  async function waitingInstance(id: string): Promise<string> {
    const res = await fetch(stack.url(`${WEBHOOK}/orchestrators/waitForGoLive/${encodeURIComponent(id)}`), {
      method: 'POST',
    });
    expect(res.status).toBe(202);
    await waitUntil(async () => ((await status(id)).runtimeStatus === 'Running' ? true : undefined));
    return id;
  }

  test('a cross-site text/plain raise-event is 400 on both prefixes, and the instance never sees the event', async () => {
    // The extension refuses a raise-event body that is not application/json: HttpApiHandler.cs,
    // HandleRaiseEventRequestAsync ("Only application/json request content is supported", 400).
    // The instance id is the guessable kind an attacker would try.
    const id = await waitingInstance('publish:contoso:vm:v1');
    for (const base of [WEBHOOK, RPC]) {
      for (const contentType of [
        'text/plain',
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await fetch(stack.url(`${base}/instances/${encodeURIComponent(id)}/raiseEvent/GoLive`), {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: '{"approved":true}',
        });
        expect([base, contentType, res.status]).toEqual([base, contentType, 400]);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/application\/json/);
      }
      // No content type at all (what a form without enctype or a beacon may send) is refused too, even with no body,
      // as the extension checks the media type before reading the event.
      const bare = await fetch(stack.url(`${base}/instances/${encodeURIComponent(id)}/raiseEvent/GoLive`), {
        method: 'POST',
      });
      expect(bare.status).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 300));
    const s = await status(id);
    expect(s.runtimeStatus).toBe('Running');
    expect(s.historyEvents!.some((e) => e.EventType === 'EventRaised')).toBe(false);

    // The same event as JSON (a tool, the durable client) still goes through.
    const ok = await fetch(stack.url(`${WEBHOOK}/instances/${encodeURIComponent(id)}/raiseEvent/GoLive`), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"by":"ops"}',
    });
    expect(ok.status).toBe(202);
    const done = await waitUntil(async () => {
      const st = await status(id);
      return st.runtimeStatus === 'Completed' ? st : undefined;
    });
    expect(done.output).toEqual({ live: true, approval: { by: 'ops' } });
  });

  test('every management POST with a non-JSON body is 400 and changes nothing; body-less POSTs need no content type', async () => {
    for (const base of [WEBHOOK, RPC]) {
      const start = await fetch(stack.url(`${base}/orchestrators/healthyOrchestration/text-start${base.length}`), {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '"x"',
      });
      expect(start.status).toBe(400);
      expect((await fetch(stack.url(`${WEBHOOK}/instances/text-start${base.length}`))).status).toBe(404);
    }
    const id = await waitingInstance('terminate-me');
    const textTerminate = await fetch(stack.url(`${WEBHOOK}/instances/${id}/terminate?reason=x`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'please',
    });
    expect(textTerminate.status).toBe(400);
    const put = await fetch(stack.url(`${WEBHOOK}/instances/${id}/suspend`), {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(put.status).toBe(405);
    expect((await status(id)).runtimeStatus).toBe('Running');
    // Without a body, terminate (as the durable client sends it) needs no content type.
    expect(
      (await fetch(stack.url(`${WEBHOOK}/instances/${id}/terminate?reason=done`), { method: 'POST' })).status,
    ).toBe(202);
    await waitUntil(async () => ((await status(id)).runtimeStatus === 'Terminated' ? true : undefined));
    // Nor does a start without input.
    const started = await fetch(stack.url(`${WEBHOOK}/orchestrators/healthyOrchestration`), { method: 'POST' });
    expect(started.status).toBe(202);
  });

  test("a request with a foreign Origin is 403 on every host endpoint, even as JSON; the host's own origins are accepted", async () => {
    const id = await waitingInstance('origin-check');
    const raise = (origin: string, base = WEBHOOK) =>
      fetch(stack.url(`${base}/instances/${id}/raiseEvent/GoLive`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: '"from a page"',
      });
    for (const origin of [
      'http://evil.example',
      'https://attacker.test:8443',
      'null',
      `http://127.0.0.1:${stack.host.port + 1}`,
    ]) {
      for (const base of [WEBHOOK, RPC]) {
        const res = await raise(origin, base);
        expect([origin, base, res.status]).toEqual([origin, base, 403]);
      }
      expect((await fetch(stack.url(`${WEBHOOK}/instances/${id}`), { headers: { origin } })).status).toBe(403);
      expect(
        (
          await fetch(stack.url(`${WEBHOOK}/orchestrators/healthyOrchestration`), {
            method: 'POST',
            headers: { origin },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await fetch(stack.url('/admin/devhost/clock'), {
            method: 'POST',
            headers: { origin },
            body: '{"advanceMs":1}',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await fetch(stack.url('/runtime/webhooks/eventgrid?functionName=x'), {
            method: 'POST',
            headers: { origin, 'content-type': 'application/json' },
            body: '[]',
          })
        ).status,
      ).toBe(403);
    }
    expect((await status(id)).historyEvents!.some((e) => e.EventType === 'EventRaised')).toBe(false);

    // A page the host itself serves (under any of its loopback names) may call it.
    expect(
      (
        await fetch(stack.url(`${WEBHOOK}/instances/${id}`), {
          headers: { origin: `http://localhost:${stack.host.port}` },
        })
      ).status,
    ).toBe(202);
    expect((await raise(stack.host.origin)).status).toBe(202);
    await waitUntil(async () => ((await status(id)).runtimeStatus === 'Completed' ? true : undefined));
  });

  test("a forged Host header does not move the durable client: the binding and the start go to the host's own address", async () => {
    const capture = await captureServer();
    try {
      const forged = `127.0.0.1:${capture.port}`;
      const binding = JSON.parse(
        bodyOf(
          await rawRequest(
            stack.host.port,
            `GET /api/client-binding HTTP/1.1\r\nHost: ${forged}\r\nConnection: close\r\n\r\n`,
          ),
        ),
      ) as Binding;
      for (const url of [
        binding.rpcBaseUrl,
        binding.baseUrl,
        ...Object.values(binding.creationUrls),
        ...Object.values(binding.managementUrls).filter((u) => u.startsWith('http')),
      ]) {
        expect(url.startsWith(`${stack.host.origin}/`)).toBe(true);
      }
      // The start the function makes through its client reaches this host, not the forged one.
      const raw = await rawRequest(
        stack.host.port,
        `POST /api/start-and-wait/healthyOrchestration HTTP/1.1\r\nHost: ${forged}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      expect(statusOf(raw)).toBe(200);
      expect(JSON.parse(bodyOf(raw))).toBe(42);
      expect(capture.hits).toEqual([]);
    } finally {
      await capture.close();
    }
  });

  test('an absolute-form target naming another host is refused; one naming this host is served by its path', async () => {
    const capture = await captureServer();
    try {
      const other = `http://127.0.0.1:${capture.port}/api/start-and-wait/healthyOrchestration`;
      const refused = await rawRequest(
        stack.host.port,
        `POST ${other} HTTP/1.1\r\nHost: 127.0.0.1:${stack.host.port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      expect(statusOf(refused)).toBe(400);
      expect(capture.hits).toEqual([]);
      // Without a Host header to compare with, an absolute-form target is refused too.
      expect(statusOf(await rawRequest(stack.host.port, `GET http://evil.example:1/api/ping HTTP/1.0\r\n\r\n`))).toBe(
        400,
      );

      const own = await rawRequest(
        stack.host.port,
        `GET ${stack.host.origin}/api/client-binding HTTP/1.1\r\nHost: 127.0.0.1:${stack.host.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(statusOf(own)).toBe(200);
      expect((JSON.parse(bodyOf(own)) as Binding).rpcBaseUrl).toBe(`${stack.host.origin}/durabletask/`);
    } finally {
      await capture.close();
    }
    expect(stack.host.child!.exitCode).toBeNull();
  });

  test('the management payload points at the host, not at the Host header the request carried', async () => {
    const raw = await rawRequest(
      stack.host.port,
      `POST ${WEBHOOK}/orchestrators/healthyOrchestration HTTP/1.1\r\nHost: evil.example:1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(raw)).toBe(202);
    const payload = JSON.parse(bodyOf(raw)) as Record<string, string>;
    expect(payload.statusQueryGetUri.startsWith(`${stack.host.origin}${WEBHOOK}/instances/`)).toBe(true);
    expect(/\r\nlocation: ([^\r]*)/i.exec(raw)?.[1]).toBe(payload.statusQueryGetUri);
  });
});

describe('with a master key', () => {
  const MASTER = 'master-key-for-tests';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(APP, { DEVHOST_MASTER_KEY: MASTER });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const binding = async (host: DevhostProcess = stack.host): Promise<Binding> =>
    (await (await fetch(`${host.origin}/api/client-binding`)).json()) as Binding;
  const systemKeyOf = (b: Binding) => new URLSearchParams(b.requiredQueryStringParameters).get('code')!;

  test('the rpcBaseUrl routes (/durabletask/…) need a key like the webhook: none or a wrong one is 401', async () => {
    const key = systemKeyOf(await binding());
    for (const base of [WEBHOOK, RPC]) {
      expect((await fetch(stack.url(`${base}/instances`))).status).toBe(401);
      expect((await fetch(stack.url(`${base}/instances?code=wrong`))).status).toBe(401);
      expect((await fetch(stack.url(`${base}/orchestrators/healthyOrchestration`), { method: 'POST' })).status).toBe(
        401,
      );
      expect((await fetch(stack.url(`${base}/instances?code=${encodeURIComponent(MASTER)}`))).status).toBe(200);
      expect((await fetch(stack.url(`${base}/instances`), { headers: { 'x-functions-key': key } })).status).toBe(200);
      expect((await fetch(stack.url(`${base}/instances?code=${encodeURIComponent(key)}`))).status).toBe(200);
    }
    // The key-in-path form the binding's rpcBaseUrl uses (the JS client drops a query string from it).
    expect((await fetch(stack.url(`${RPC}/code/${encodeURIComponent(key)}/instances`))).status).toBe(200);
    expect((await fetch(stack.url(`${RPC}/code/wrong/instances`))).status).toBe(401);
    expect((await fetch(stack.url(`${RPC}/code/${encodeURIComponent(MASTER)}/instances`))).status).toBe(200);
    // A valid key does not make a cross-site request acceptable.
    const crossSite = await fetch(stack.url(`${WEBHOOK}/instances?code=${encodeURIComponent(MASTER)}`), {
      headers: { origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
  });

  test('no URL the host hands out carries the master key; they carry a system key that opens the API (and only it)', async () => {
    // As the extension: management URLs carry `code=` with the extension's own system key, never the
    // master key (HttpApiHandler.cs, GetClientResponseLinks: the webhook URI's query "is expected to
    // include the auto-generated system key for this extension").
    const b = await binding();
    const key = systemKeyOf(b);
    expect(key).toBeTruthy();
    expect(key).not.toContain(MASTER);
    expect(JSON.stringify(b)).not.toContain(MASTER);
    expect(b.rpcBaseUrl).toBe(`${stack.host.origin}/durabletask/code/${encodeURIComponent(key)}/`);

    // The system key opens the management API but no admin endpoint.
    expect((await fetch(stack.url(`/admin/host/status?code=${encodeURIComponent(key)}`))).status).toBe(401);

    // The payload from a start through the webhook with the master key, and from the app's starter.
    const viaWebhook = await fetch(
      stack.url(`${WEBHOOK}/orchestrators/healthyOrchestration?code=${encodeURIComponent(MASTER)}`),
      { method: 'POST' },
    );
    expect(viaWebhook.status).toBe(202);
    const viaStarter = await fetch(stack.url('/api/start/healthyOrchestration'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(viaStarter.status).toBe(202);
    for (const res of [viaWebhook, viaStarter]) {
      const text = await res.text();
      expect(text).not.toContain(MASTER);
      expect(res.headers.get('location')).not.toContain(MASTER);
      const payload = JSON.parse(text) as Record<string, string>;
      for (const [name, url] of Object.entries(payload))
        if (name !== 'id') expect(new URL(url).searchParams.get('code')).toBe(key);
      const done = await waitUntil(async () => {
        const s = (await (await fetch(payload.statusQueryGetUri)).json()) as Status;
        return s.runtimeStatus === 'Completed' ? s : undefined;
      });
      expect(done.output).toBe(42);
    }

    // Nothing else the host answers mentions the master key either.
    for (const p of ['/admin/host/status', '/admin/functions', '/nope', `${WEBHOOK}/bogus`, `${RPC}/bogus`]) {
      const res = await fetch(stack.url(`${p}?code=${encodeURIComponent(MASTER)}`));
      expect([p, (await res.text()).includes(MASTER)]).toEqual([p, false]);
      expect([p, JSON.stringify([...res.headers]).includes(MASTER)]).toEqual([p, false]);
    }
  });

  test('the durable client inside a function works through its keyed rpcBaseUrl', async () => {
    const res = await fetch(stack.url('/api/start-and-wait/healthyOrchestration'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe(42);
  });

  test('the system key is made afresh each time the host starts', async () => {
    const before = systemKeyOf(await binding());
    await stack.host.stop();
    await stack.host.start();
    const after = systemKeyOf(await binding());
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect((await fetch(stack.url(`${WEBHOOK}/instances?code=${encodeURIComponent(before)}`))).status).toBe(401);
    expect((await fetch(stack.url(`${WEBHOOK}/instances?code=${encodeURIComponent(after)}`))).status).toBe(200);
  });
});
