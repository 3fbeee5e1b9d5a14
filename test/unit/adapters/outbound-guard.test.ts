// The outbound guard over generated address encodings: a private, loopback, link-local, shared,
// benchmark, multicast or reserved IPv4 address is refused however it is written — decimal, one
// integer, hex, octal, dotted hex, inside IPv4-mapped, -compatible or NAT64 IPv6 — and a public
// unicast address is allowed. Plus the storage connection strings a lead destination accepts.
import fc from 'fast-check';
import { judgeAddress } from '../../../adapters/net/address-policy';
import { EgressRefused, makeCheckedLookup, vetUrl } from '../../../adapters/net/outbound';
import { parseStorageConnectionString } from '../../../domain/leads/storage-connection-string';

const ENV = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', OUTBOUND_ALLOWED_HOSTS: '' };

// [first octet range, second octet range] of special IPv4 blocks.
const PRIVATE_BLOCKS: [number, number, number, number][] = [
  [127, 127, 0, 255], // loopback
  [10, 10, 0, 255],
  [172, 172, 16, 31],
  [192, 192, 168, 168],
  [169, 169, 254, 254], // link-local, cloud metadata
  [100, 100, 64, 127], // carrier-grade NAT
  [0, 0, 0, 255],
  [198, 198, 18, 19], // benchmarking
  [224, 239, 0, 255], // multicast
  [240, 255, 0, 255], // reserved
];

const privateV4 = fc
  .tuple(fc.constantFrom(...PRIVATE_BLOCKS), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  .map(([[a1, a2, b1, b2], x, y, c, d]) => [a1 + (x % (a2 - a1 + 1)), b1 + (y % (b2 - b1 + 1)), c, d] as const);

const hex = (n: number) => n.toString(16);
function encodings([a, b, c, d]: readonly number[]): string[] {
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  return [
    `${a}.${b}.${c}.${d}`,
    `${n}`,
    `0x${hex(n)}`,
    `0x${hex(a)}.0x${hex(b)}.0x${hex(c)}.0x${hex(d)}`,
    `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${hex((a << 8) + b)}:${hex((c << 8) + d)}]`,
    `[::${a}.${b}.${c}.${d}]`,
    `[64:ff9b::${a}.${b}.${c}.${d}]`,
    `[0:0:0:0:0:ffff:${hex((a << 8) + b)}:${hex((c << 8) + d)}]`,
  ];
}

test('every spelling of a special IPv4 address is refused before any connection', () => {
  fc.assert(
    fc.property(privateV4, fc.nat(10), fc.boolean(), (addr, pick, port) => {
      const host = encodings(addr)[pick];
      const url = `https://${host}${port ? ':8443' : ''}/image.vhd?sp=rl`;
      let refused = false;
      try {
        vetUrl(url, 'The image', ENV);
      } catch (e) {
        refused = e instanceof EgressRefused;
        if (!refused && !/not a valid absolute URL/.test((e as Error).message)) throw e;
        refused = true; // an unparsable spelling never connects either
      }
      expect({ url, refused }).toEqual({ url, refused: true });
    }),
    { numRuns: 2000 },
  );
});

test('IPv6 special ranges are refused; public unicast addresses of both families are allowed', () => {
  for (const bad of [
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '2001:0::1',
    '64:ff9b::a9fe:a9fe',
  ]) {
    expect({ bad, ok: judgeAddress(bad).ok }).toEqual({ bad, ok: false });
  }
  expect(judgeAddress('168.63.129.16').ok).toBe(false); // Azure's wire server
  expect(judgeAddress('198.18.0.1').ok).toBe(false);
  fc.assert(
    fc.property(fc.constantFrom(8, 13, 20, 40, 52, 104, 151), fc.nat(255), fc.nat(255), fc.nat(255), (a, b, c, d) => {
      expect(judgeAddress(`${a}.${b}.${c}.${d}`).ok).toBe(true);
      expect(() => vetUrl(`https://${a}.${b}.${c}.${d}/x`, 'x', ENV)).not.toThrow();
    }),
  );
  expect(judgeAddress('2606:4700:4700::1111').ok).toBe(true);
});

test('names: localhost in any spelling, credentials in the URL, http to a public host, other schemes', () => {
  for (const url of [
    'https://localhost/x',
    'https://LOCALHOST./x',
    'https://a.b.localhost/x',
    'https://user:pw@example.com/x',
    'http://example.com/x',
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://x/',
  ]) {
    expect(() => vetUrl(url, 'The URL', ENV)).toThrow(EgressRefused);
  }
  expect(vetUrl('https://example.com/x', 'x', ENV).allowed).toBe(false);
  expect(vetUrl('http://127.0.0.1:10000/x', 'x', { ...ENV, OUTBOUND_ALLOWED_HOSTS: '127.0.0.1:10000' }).allowed).toBe(
    true,
  );
  // The app's own storage is found by the exact SDK keys, not by a key that merely ends in them.
  const env = { AzureWebJobsStorage: 'XTableEndpoint=http://127.0.0.1:9/;AccountName=a' };
  expect(() => vetUrl('http://127.0.0.1:9/x', 'x', env)).toThrow(EgressRefused);
});

describe('a lead destination storage connection string', () => {
  const key = 'AccountKey=a2V5;';
  test('the documented forms: account name with suffix, explicit TableEndpoint, SAS', () => {
    expect(
      parseStorageConnectionString(
        `DefaultEndpointsProtocol=https;AccountName=contoso;${key}EndpointSuffix=core.windows.net`,
      ),
    ).toEqual({
      ok: true,
      endpoint: 'https://contoso.table.core.windows.net',
      credential: { kind: 'key', accountName: 'contoso', accountKey: 'a2V5' },
    });
    expect(
      parseStorageConnectionString(`accountname=contoso;accountkey=a2V5;tableendpoint=https://t.example.com/`),
    ).toMatchObject({ ok: true, endpoint: 'https://t.example.com' });
    expect(
      parseStorageConnectionString(
        'TableEndpoint=https://contoso.table.core.windows.net;SharedAccessSignature=sv=2022&sig=x',
      ),
    ).toMatchObject({ ok: true, credential: { kind: 'sas', signature: 'sv=2022&sig=x' } });
  });

  test('anything the SDK would read differently is refused: lookalike keys, duplicates, development storage', () => {
    for (const [cs, why] of [
      [
        `XTableEndpoint=https://checked.example.com;TableEndpoint=https://other.example.com;AccountName=a1b;${key}`,
        /XTableEndpoint/,
      ],
      [`TableEndpoint=https://a.example.com;TableEndpoint=https://b.example.com;AccountName=abc;${key}`, /twice/],
      ['UseDevelopmentStorage=true', /development storage/],
      [`AccountName=abc;${key}DevelopmentStorageProxyUri=http://127.0.0.1`, /development storage/],
      [`DefaultEndpointsProtocol=http;AccountName=abc;${key}`, /https/],
      [`AccountName=abc;${key}EndpointSuffix=evil.example.com/x?`, /domain name/],
      [`TableEndpoint=https://u:p@t.example.com;AccountName=abc;${key}`, /plain URL/],
      ['AccountName=abc', /AccountKey/],
    ] as const) {
      const r = parseStorageConnectionString(cs);
      expect({ cs, ok: r.ok }).toEqual({ cs, ok: false });
      expect(!r.ok && r.reason).toMatch(why);
    }
  });
});

describe('the connect-time lookup (no DNS-rebinding window)', () => {
  const resolver =
    (answers: string[]) =>
    (
      _h: string,
      _o: { all: true },
      cb: (e: NodeJS.ErrnoException | null, a: { address: string; family: number }[]) => void,
    ) =>
      cb(
        null,
        answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const lookup = (answers: string[], all = false) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      makeCheckedLookup(resolver(answers))('rebind.example', { all }, (err, address) => resolve({ err, address })),
    );

  test('a name that resolves to public addresses connects to the checked one', async () => {
    expect(await lookup(['93.184.216.34'])).toEqual({ err: null, address: '93.184.216.34' });
    expect((await lookup(['93.184.216.34', '2606:2800:220:1::'], true)).address).toHaveLength(2);
  });

  test('a name with any private address among its answers is refused whole', async () => {
    for (const answers of [
      ['127.0.0.1'],
      ['93.184.216.34', '10.0.0.5'],
      ['169.254.169.254'],
      ['::ffff:127.0.0.1'],
      ['168.63.129.16'],
    ]) {
      const r = await lookup(answers);
      expect({ answers, code: r.err?.code }).toEqual({ answers, code: 'EGRESS_REFUSED' });
    }
  });
});
