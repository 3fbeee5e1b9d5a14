// The binding data of an HTTP invocation comes from the RpcHttp the host builds for the Node
// worker, whose headers, query and route parameters are in the nullable maps
// (UseNullableValueDictionaryForHttp), and from the HTTP trigger metadata.
import http from 'node:http';
import { Socket } from 'node:net';
import { bindingDataFor } from '../../src/bindings/binding-data';
import { RegisteredFunction } from '../../src/core/registry';
import { httpTriggerMetadata, rpcHttp } from '../../src/http/request-data';

const fn = {
  metadata: { name: 'notes', bindings: {} },
  callback: () => undefined,
  triggerName: 'request',
  trigger: { type: 'httpTrigger', direction: 'in' },
} as RegisteredFunction;

function incoming(headers: Record<string, string>): http.IncomingMessage {
  const req = new http.IncomingMessage(new Socket());
  const lower = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]);
  req.headers = Object.fromEntries(lower);
  Object.defineProperty(req, 'headersDistinct', { value: Object.fromEntries(lower.map(([k, v]) => [k, [v]])) });
  return req;
}

test('route parameters, query (without code) and headers reach the binding data and $request', () => {
  const req = incoming({ 'X-Tenant': 'contoso' });
  const url = new URL('http://localhost/api/notes/n1?kind=draft&code=secret');
  const params = { name: 'n1' };
  const data = bindingDataFor(fn, {
    inputData: [{ name: 'request', data: rpcHttp(req, url, 'GET', params, Buffer.alloc(0)) }],
    triggerMetadata: httpTriggerMetadata(req, url, params),
  });
  expect(data).toMatchObject({ name: 'n1', kind: 'draft' });
  expect(data.code).toBeUndefined();
  expect(data.$request).toEqual({ headers: { 'x-tenant': 'contoso' }, query: { kind: 'draft' }, path: { name: 'n1' } });
  expect(data.Query).toEqual({ kind: 'draft', code: 'secret' });
  expect(data.Headers).toEqual({ 'x-tenant': 'contoso' });
});
