// The Durable management HTTP API, at the public webhook prefix and at the loopback-only rpcBaseUrl
// prefix the JS durable client uses: error statuses and bodies for every kind of bad call, instance
// id conflicts, purge and restart rules, and system keys when host keys are configured.
import { start, status, waitForStatus } from '../../src/testing/durable-http';
import { startStack, Stack, waitUntil } from '../../src/testing/stack';
import { fixture } from '../fixture';

const WEBHOOK = '/runtime/webhooks/durabletask';
const RPC = '/durabletask';
const BASES = [WEBHOOK, RPC];

interface ErrorBody {
  error: { code: string; message: string };
}

async function expectError(res: Response, statusCode: number, code?: string): Promise<ErrorBody> {
  const text = await res.text();
  expect([res.url, res.status, text]).toEqual([res.url, statusCode, text]);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  return body;
}

describe('without host keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(fixture('durable-samples'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (base: string, p: string, init: RequestInit = {}) => fetch(stack.url(`${base}${p}`), init);
  const post = (base: string, p: string, body?: string) =>
    call(base, p, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  async function runningWaitForever(id?: string): Promise<string> {
    const instanceId = await start(stack, 'waitForever', undefined, id);
    await waitForStatus(stack, instanceId, ['Running']);
    return instanceId;
  }

  test('an unknown instance is 404 for status, raiseEvent, terminate, suspend, resume, restart and purge', async () => {
    for (const base of BASES) {
      await expectError(await call(base, '/instances/no-such-instance'), 404, 'InstanceNotFound');
      await expectError(await post(base, '/instances/no-such-instance/raiseEvent/Go', '"x"'), 404, 'InstanceNotFound');
      await expectError(await post(base, '/instances/no-such-instance/terminate?reason=x'), 404, 'InstanceNotFound');
      await expectError(await post(base, '/instances/no-such-instance/suspend'), 404, 'InstanceNotFound');
      await expectError(await post(base, '/instances/no-such-instance/resume'), 404, 'InstanceNotFound');
      await expectError(await post(base, '/instances/no-such-instance/restart'), 404, 'InstanceNotFound');
      await expectError(await call(base, '/instances/no-such-instance', { method: 'DELETE' }), 404, 'InstanceNotFound');
    }
  });

  test('an instance id that no instance can have (a/b, too long) is 404, not a storage error', async () => {
    for (const base of BASES) {
      for (const id of ['a%2Fb', 'a%5Cb', 'a%23b', 'a%3Fb', '%01', 'x'.repeat(300)]) {
        await expectError(await call(base, `/instances/${id}`), 404, 'InstanceNotFound');
        await expectError(await post(base, `/instances/${id}/terminate`), 404, 'InstanceNotFound');
        await expectError(await post(base, `/instances/${id}/raiseEvent/Go`, '1'), 404, 'InstanceNotFound');
        await expectError(await call(base, `/instances/${id}`, { method: 'DELETE' }), 404, 'InstanceNotFound');
      }
      // And such an id cannot be chosen for a new instance.
      await expectError(await post(base, '/orchestrators/helloSequence/a%2Fb'), 400, 'BadRequest');
      await expectError(await post(base, '/orchestrators/helloSequence/a%23b'), 400, 'BadRequest');
    }
  });

  test('starting an unknown function, or an activity, as an orchestrator is 400', async () => {
    for (const base of BASES) {
      const unknown = await expectError(await post(base, '/orchestrators/noSuchOrchestrator', '{}'), 400, 'BadRequest');
      expect(unknown.error.message).toContain('noSuchOrchestrator');
      const activity = await expectError(await post(base, '/orchestrators/sayHello', '"Tokyo"'), 400, 'BadRequest');
      expect(activity.error.message).toContain('sayHello');
    }
    // Nothing was created on the way.
    const all = (await (await call(WEBHOOK, '/instances')).json()) as { name: string }[];
    expect(all.map((s) => s.name)).not.toContain('sayHello');
    expect(all.map((s) => s.name)).not.toContain('noSuchOrchestrator');
  });

  test('a malformed JSON body is 400 on start and on raiseEvent, and changes nothing', async () => {
    const id = await runningWaitForever();
    for (const base of BASES) {
      for (const body of ['{bad', '{"a":1', "'single'", 'undefined']) {
        await expectError(await post(base, '/orchestrators/helloSequence/malformed-start', body), 400, 'BadRequest');
        await expectError(await post(base, `/instances/${id}/raiseEvent/Go`, body), 400, 'BadRequest');
      }
      // An event name is required.
      await expectError(await post(base, `/instances/${id}/raiseEvent`, '1'), 400, 'BadRequest');
    }
    expect(await status(stack, 'malformed-start')).toBeUndefined();
    const s = await status(stack, id, '?showHistory=true');
    expect(s!.runtimeStatus).toBe('Running');
    expect(s!.historyEvents!.some((e) => e.EventType === 'EventRaised')).toBe(false);
    // Valid events still go through afterwards.
    expect((await post(WEBHOOK, `/instances/${id}/raiseEvent/Go`, '"one"')).status).toBe(202);
    expect((await post(RPC, `/instances/${id}/raiseEvent/Go`, '{"two":2}')).status).toBe(202);
    expect((await waitForStatus(stack, id)).output).toEqual(['one', { two: 2 }]);
  });

  test('invalid list and purge filters are 400', async () => {
    for (const base of BASES) {
      for (const q of [
        'runtimeStatus=Bogus',
        'runtimeStatus=Running,Nope',
        'createdTimeFrom=not-a-date',
        'createdTimeTo=2024-13-45T99:00:00Z',
        'top=0',
        'top=abc',
        'top=-1',
        'top=1.5',
        'top=100000',
      ]) {
        await expectError(await call(base, `/instances?${q}`), 400, 'BadRequest');
      }
      await expectError(await call(base, '/instances?runtimeStatus=Bogus', { method: 'DELETE' }), 400, 'BadRequest');
      await expectError(
        await call(base, '/instances?createdTimeFrom=yesterday', { method: 'DELETE' }),
        400,
        'BadRequest',
      );
      // The valid forms of the same parameters are accepted.
      const ok = await call(
        base,
        '/instances?runtimeStatus=running,Completed&top=5&createdTimeFrom=2000-01-01T00:00:00Z',
      );
      expect(ok.status).toBe(200);
      expect(Array.isArray(await ok.json())).toBe(true);
    }
  });

  test('a continuation token the host did not issue is 400', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const tokens = [
      'garbage!!',
      b64('not json'),
      b64('"abc"'),
      b64(JSON.stringify(Buffer.from('not json').toString('base64'))),
      b64(JSON.stringify(Buffer.from('{"nextRowKey":"x"}').toString('base64'))),
      b64('{"nextPartitionKey":"x"}'),
      b64('42'),
    ];
    for (const base of BASES) {
      for (const token of tokens) {
        await expectError(
          await call(base, '/instances?top=1', { headers: { 'x-ms-continuation-token': token } }),
          400,
          'BadRequest',
        );
      }
    }
    // A token the host did issue still pages.
    await Promise.all([1, 2, 3].map((i) => start(stack, 'helloSequence', undefined, `token-page-${i}`)));
    const first = await call(WEBHOOK, '/instances?top=1');
    expect(first.status).toBe(200);
    const token = first.headers.get('x-ms-continuation-token');
    expect(token).toBeTruthy();
    const second = await call(RPC, '/instances?top=1', { headers: { 'x-ms-continuation-token': token! } });
    expect(second.status).toBe(200);
    const [a] = (await first.json()) as { instanceId: string }[];
    const [b] = (await second.json()) as { instanceId: string }[];
    expect(b.instanceId).not.toBe(a.instanceId);
  });

  test('a wrong method is 405 with an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/orchestrators/helloSequence', 'POST'],
      ['PUT', '/orchestrators/helloSequence/some-id', 'POST'],
      ['POST', '/instances', 'GET, DELETE'],
      ['PATCH', '/instances', 'GET, DELETE'],
      ['POST', '/instances/some-id', 'GET, DELETE'],
      ['PUT', '/instances/some-id', 'GET, DELETE'],
      ['GET', '/instances/some-id/terminate', 'POST'],
      ['DELETE', '/instances/some-id/raiseEvent/Go', 'POST'],
      ['GET', '/instances/some-id/restart', 'POST'],
    ];
    for (const base of BASES) {
      for (const [method, p, allow] of cases) {
        const res = await call(base, p, { method });
        expect([method, p, res.headers.get('allow')]).toEqual([method, p, allow]);
        await expectError(res, 405, 'MethodNotAllowed');
      }
    }
  });

  test('an unknown sub-path is 404', async () => {
    const cases: [string, string][] = [
      ['GET', '/'],
      ['GET', '/bogus'],
      ['POST', '/orchestrators'],
      ['POST', '/orchestrators/helloSequence/some-id/extra'],
      ['GET', '/instances/some-id/bogus'],
      ['POST', '/instances/some-id/bogus'],
      ['POST', '/instances/some-id/terminate/extra'],
      // entities/{name}/{key} is a route (entities.test.ts); a deeper path is not.
      ['GET', '/entities/x/y/z'],
      ['PUT', '/entities/x/y'],
    ];
    for (const base of BASES) {
      for (const [method, p] of cases) {
        const res = await call(base, p, { method });
        expect([method, p, res.status]).toEqual([method, p, 404]);
        await expectError(res, 404);
      }
      // A malformed percent-encoding in the path is a 400, not a crash.
      await expectError(await call(base, '/instances/%zz'), 400, 'BadRequest');
      await expectError(await post(base, '/orchestrators/%E0%A4%A'), 400, 'BadRequest');
    }
  });

  test('a second start with the id of a running instance is 409; after terminate the id can be reused', async () => {
    for (const [i, base] of BASES.entries()) {
      const id = `explicit-id-${i}`;
      const first = await post(base, `/orchestrators/waitForever/${id}`);
      expect(first.status).toBe(202);
      expect(((await first.json()) as { id: string }).id).toBe(id);
      await waitForStatus(stack, id, ['Running']);

      await expectError(await post(base, `/orchestrators/waitForever/${id}`), 409, 'Conflict');
      // Not even another orchestrator may take the id.
      await expectError(await post(base, `/orchestrators/helloSequence/${id}`), 409, 'Conflict');
      expect((await status(stack, id))!.name).toBe('waitForever');

      expect((await post(base, `/instances/${id}/terminate?reason=make%20room`)).status).toBe(202);
      expect((await waitForStatus(stack, id, ['Terminated'])).output).toBe('make room');

      const again = await post(base, `/orchestrators/helloSequence/${id}`, '');
      expect(again.status).toBe(202);
      const s = await waitUntil(async () => {
        const st = await status(stack, id);
        return st?.runtimeStatus === 'Completed' ? st : undefined;
      });
      expect(s).toMatchObject({ name: 'helloSequence', output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!'] });
    }
  });

  test('purging a running instance is 409 and leaves it running; once finished it can be purged', async () => {
    const id = await runningWaitForever();
    for (const base of BASES) {
      await expectError(await call(base, `/instances/${id}`, { method: 'DELETE' }), 409, 'Conflict');
      // A bulk purge that names only live statuses matches nothing, and does not fail on them.
      const bulk = await call(base, '/instances?runtimeStatus=Running,Pending,Suspended', { method: 'DELETE' });
      expect(bulk.status).toBe(404);
      expect(await bulk.json()).toEqual({ instancesDeleted: 0 });
    }
    expect((await status(stack, id))!.runtimeStatus).toBe('Running');

    expect((await post(WEBHOOK, `/instances/${id}/terminate`)).status).toBe(202);
    await waitForStatus(stack, id, ['Terminated']);
    // A terminated instance cannot be terminated, suspended or sent events again.
    await expectError(await post(WEBHOOK, `/instances/${id}/terminate`), 410, 'Gone');
    await expectError(await post(RPC, `/instances/${id}/suspend`), 410, 'Gone');
    await expectError(await post(RPC, `/instances/${id}/raiseEvent/Go`, '1'), 410, 'Gone');

    const purged = await call(RPC, `/instances/${id}`, { method: 'DELETE' });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect(await status(stack, id)).toBeUndefined();
    await expectError(await call(WEBHOOK, `/instances/${id}`, { method: 'DELETE' }), 404, 'InstanceNotFound');
  });

  test('restart with restartWithNewInstanceId=true gives a new instance that completes', async () => {
    const id = await start(stack, 'helloSequence', undefined, 'restart-source');
    const done = await waitForStatus(stack, id);
    expect(done.runtimeStatus).toBe('Completed');

    for (const base of BASES) {
      const res = await post(base, `/instances/${id}/restart?restartWithNewInstanceId=true`);
      expect(res.status).toBe(202);
      const payload = (await res.json()) as { id: string; statusQueryGetUri: string };
      expect(payload.id).not.toBe(id);
      expect(res.headers.get('location')).toBe(payload.statusQueryGetUri);
      expect(payload.statusQueryGetUri).toContain(`/instances/${payload.id}`);
      const s = await waitForStatus(stack, payload.id);
      expect(s).toMatchObject({
        name: 'helloSequence',
        runtimeStatus: 'Completed',
        output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!'],
      });
    }
    // The source instance is untouched.
    expect((await status(stack, id))!.createdTime).toBe(done.createdTime);

    // Restarting in place needs the instance to be finished.
    const running = await runningWaitForever('restart-running');
    await expectError(
      await post(WEBHOOK, `/instances/${running}/restart?restartWithNewInstanceId=false`),
      409,
      'Conflict',
    );
    // createdTime has whole seconds: let one pass so the restarted execution is told apart.
    await new Promise((r) => setTimeout(r, 1100));
    const inPlace = await post(WEBHOOK, `/instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(inPlace.status).toBe(202);
    expect(((await inPlace.json()) as { id: string }).id).toBe(id);
    await waitUntil(async () => {
      const st = await status(stack, id);
      return st && st.runtimeStatus === 'Completed' && st.createdTime !== done.createdTime ? st : undefined;
    });
  });

  test('after all of that the host still serves: the hello sequence completes through the HTTP starter', async () => {
    const res = await fetch(stack.url('/api/orchestrators/helloSequence'), { method: 'POST' });
    expect(res.status).toBe(202);
    const payload = (await res.json()) as { id: string; statusQueryGetUri: string };
    const s = await waitForStatus(stack, payload.id);
    expect(s.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);
    const viaUri = await fetch(payload.statusQueryGetUri);
    expect(viaUri.status).toBe(200);
    expect(((await viaUri.json()) as { runtimeStatus: string }).runtimeStatus).toBe('Completed');
    expect(stack.host.child!.exitCode).toBeNull();
    expect(stack.host.output).not.toMatch(/unhandled error/);
  });
});

interface Payload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

describe('with a master key', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(fixture('durable-samples'), { DEVHOST_MASTER_KEY: 'mkey' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the webhooks need a key: none or a wrong one is 401, the master key is 200', async () => {
    const noKey = await fetch(stack.url(`${WEBHOOK}/instances`));
    expect(noKey.status).toBe(401);
    expect(await noKey.text()).toBe('');
    expect((await fetch(stack.url(`${WEBHOOK}/instances?code=wrong`))).status).toBe(401);
    expect((await fetch(stack.url(`${WEBHOOK}/instances/x`), { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(stack.url(`${WEBHOOK}/orchestrators/helloSequence`), { method: 'POST' })).status).toBe(401);

    const withCode = await fetch(stack.url(`${WEBHOOK}/instances?code=mkey`));
    expect(withCode.status).toBe(200);
    expect(Array.isArray(await withCode.json())).toBe(true);
    expect((await fetch(stack.url(`${WEBHOOK}/instances`), { headers: { 'x-functions-key': 'mkey' } })).status).toBe(
      200,
    );
    // Past the key check, errors are the API's own.
    await expectError(await fetch(stack.url(`${WEBHOOK}/instances/nope?code=mkey`)), 404, 'InstanceNotFound');
  });

  test('the management URLs from an HTTP starter carry a code that works', async () => {
    const res = await fetch(stack.url('/api/orchestrators/waitForever'), { method: 'POST' });
    expect(res.status).toBe(202);
    const p = (await res.json()) as Payload;
    for (const uri of [
      p.statusQueryGetUri,
      p.sendEventPostUri,
      p.terminatePostUri,
      p.purgeHistoryDeleteUri,
      p.restartPostUri,
      p.suspendPostUri,
      p.resumePostUri,
    ]) {
      expect(new URL(uri).searchParams.get('code')).toBeTruthy();
      expect(uri.startsWith(stack.host.origin)).toBe(true);
    }
    const code = new URL(p.statusQueryGetUri).searchParams.get('code')!;
    // The same system key is on every URL, and it is not a key that opens functions.
    expect(
      new Set(
        [p.sendEventPostUri, p.terminatePostUri, p.restartPostUri].map((u) => new URL(u).searchParams.get('code')),
      ),
    ).toEqual(new Set([code]));
    expect(code).not.toBe('mkey');

    await waitUntil(async () => {
      const r = await fetch(p.statusQueryGetUri);
      expect(r.status).not.toBe(401);
      return ((await r.json()) as { runtimeStatus: string }).runtimeStatus === 'Running' ? true : undefined;
    });
    // Without the code the same URL is refused.
    const bare = new URL(p.statusQueryGetUri);
    bare.searchParams.delete('code');
    expect((await fetch(bare)).status).toBe(401);

    expect((await fetch(p.suspendPostUri.replace('{text}', 'pause'), { method: 'POST' })).status).toBe(202);
    await waitUntil(async () =>
      ((await (await fetch(p.statusQueryGetUri)).json()) as { runtimeStatus: string }).runtimeStatus === 'Suspended'
        ? true
        : undefined,
    );
    expect((await fetch(p.resumePostUri.replace('{text}', 'go'), { method: 'POST' })).status).toBe(202);
    for (const v of ['a', 'b']) {
      const r = await fetch(p.sendEventPostUri.replace('{eventName}', 'Go'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(v),
      });
      expect(r.status).toBe(202);
    }
    const done = await waitUntil(async () => {
      const r = await fetch(p.statusQueryGetUri);
      const s = (await r.json()) as { runtimeStatus: string; output: unknown };
      return s.runtimeStatus === 'Completed' ? { status: r.status, s } : undefined;
    });
    expect(done.status).toBe(200);
    expect(done.s.output).toEqual(['a', 'b']);

    const purge = await fetch(p.purgeHistoryDeleteUri, { method: 'DELETE' });
    expect(purge.status).toBe(200);
    expect((await fetch(p.statusQueryGetUri)).status).toBe(404);
  });

  test('the durable client inside a function keeps working (loopback rpcBaseUrl, which carries the system key)', async () => {
    const res = await fetch(stack.url('/api/wait/helloSequence'), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);
    // Loopback alone does not open the RPC routes once keys are configured (a browser is on loopback too).
    expect((await fetch(stack.url(`${RPC}/instances`))).status).toBe(401);
    expect((await fetch(stack.url(`${RPC}/instances?code=mkey`))).status).toBe(200);
  });
});

describe('with function keys only', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(fixture('durable-samples'), { DEVHOST_FUNCTION_KEYS: 'fkey1' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a function key does not open the webhooks, but the starter hands out a system key that does', async () => {
    expect((await fetch(stack.url(`${WEBHOOK}/instances`))).status).toBe(401);
    expect((await fetch(stack.url(`${WEBHOOK}/instances?code=fkey1`))).status).toBe(401);

    const res = await fetch(stack.url('/api/orchestrators/helloSequence'), { method: 'POST' });
    expect(res.status).toBe(202);
    const p = (await res.json()) as Payload;
    const code = new URL(p.statusQueryGetUri).searchParams.get('code');
    expect(code).toBeTruthy();
    expect(code).not.toBe('fkey1');
    const s = await waitUntil(async () => {
      const r = await fetch(p.statusQueryGetUri);
      expect(r.status).not.toBe(401);
      const body = (await r.json()) as { runtimeStatus: string; output: unknown };
      return body.runtimeStatus === 'Completed' ? body : undefined;
    });
    expect(s.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello Cairo!']);
    expect((await fetch(stack.url(`${WEBHOOK}/instances?code=${encodeURIComponent(code!)}`))).status).toBe(200);
  });
});
