// The Azurite the devhost starts keeps idle keep-alive connections open, as Azure Storage does.
// With Azurite's default (5 s) a client reusing a connection just as the server closed it got a
// reset, and the SDK's retry back-off made the first API call after a short pause take seconds.
import http from 'node:http';
import { AzuriteHandle, startAzurite } from '../../src/storage/azurite';

let azurite: AzuriteHandle;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

/** One GET over `agent`; resolves with the socket it used once the response has been read. */
function get(agent: http.Agent, port: number): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/devstoreaccount1?comp=list', agent }, (res) => {
      const socket = res.socket;
      res.resume();
      res.on('end', () => resolve(socket));
    });
    req.on('error', reject);
  });
}

test("idle blob, queue and table connections stay open past Azurite's default keep-alive and are reused", async () => {
  await Promise.all(
    (['blob', 'queue', 'table'] as const).map(async (service) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const socket = await get(agent, azurite.ports[service]);
        let closed = false;
        socket.once('close', () => (closed = true));
        await new Promise((r) => setTimeout(r, 6500));
        expect({ service, closed }).toEqual({ service, closed: false });
        // The next request goes over the very same connection.
        expect(await get(agent, azurite.ports[service])).toBe(socket);
      } finally {
        agent.destroy();
      }
    }),
  );
});
