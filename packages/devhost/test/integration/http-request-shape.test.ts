// What a function sees of a request in the usual (buffered) mode, on the current @azure/functions:
// the host builds the RpcHttp from ASP.NET Core's request (azure-functions-host,
// src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcHttp) and the
// library turns it into `request.query` and `params` (Azure/azure-functions-nodejs-library,
// src/http/HttpRequest.ts). The query collection groups names case-insensitively and joins
// repeated values with ','; repeated headers are joined with ','; a route parameter left out is absent.
import http from 'node:http';
import { startStack, Stack } from '../../src/testing/stack';
import { fixture } from '../fixture';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(fixture('http-app'));
});
afterAll(async () => {
  await stack?.stop();
});

interface Echo {
  params: Record<string, string>;
  query: Record<string, string[]>;
  headers: Record<string, string>;
}

test('query names differing only in case are one name, its values joined with "," in order, first spelling kept', async () => {
  const e = (await (await fetch(stack.url('/v1/echo?Tag=a&tag=b&TAG=c&other=1&flag&empty='))).json()) as Echo;
  expect(e.query).toEqual({ Tag: ['a,b,c'], other: ['1'], flag: [''], empty: [''] });
  expect(e.params).toEqual({});
});

test('route parameters are strings, decoded; an optional one left out is not there at all', async () => {
  const withId = (await (await fetch(stack.url('/v1/echo/a%2Fb%20c'))).json()) as Echo;
  expect(withId.params).toEqual({ id: 'a/b c' });
  const without = (await (await fetch(stack.url('/v1/echo/'))).json()) as Echo;
  expect(without.params).toEqual({});
  expect(Object.keys(without.params)).not.toContain('id');
});

test('a header sent twice arrives once, its values joined with ","', async () => {
  const e = await new Promise<Echo>((resolve, reject) => {
    const req = http.request(stack.url('/v1/echo'), { method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text) as Echo));
    });
    req.on('error', reject);
    // Two header lines of one name, as a proxy may send them.
    req.setHeader('x-repeated', ['one', 'two']);
    req.end();
  });
  expect(e.headers['x-repeated']).toBe('one,two');
});
