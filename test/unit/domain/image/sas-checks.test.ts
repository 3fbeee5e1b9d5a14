import { CheckRow } from '../../../../domain/image/footer-checks';
import { checkSasUrl, parseSasDate, redactSasUrl } from '../../../../domain/image/sas-checks';

const NOW = new Date('2025-03-01T12:00:00Z');
const SIG = 'c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';

function url(
  params: Record<string, string | undefined>,
  base = 'https://acct.blob.core.windows.net/vhds/os.vhd',
): string {
  const all: Record<string, string | undefined> = {
    sv: '2022-11-02',
    sr: 'c',
    sp: 'rl',
    st: '2025-02-27T00:00:00Z',
    se: '2025-04-01T00:00:00Z',
    sig: SIG,
    ...params,
  };
  return `${base}?${Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;
}

const check = (u: string, devStorageHosts?: string[]) => checkSasUrl(u, { now: NOW, devStorageHosts });
const row = (rows: CheckRow[], id: string) => rows.find((r) => r.id === id)!;
const failed = (rows: CheckRow[]) => rows.filter((r) => r.result === 'fail').map((r) => r.id);

it('a good SAS URL passes every check', () => {
  const rows = check(url({}));
  expect(failed(rows)).toEqual([]);
  expect(rows.map((r) => r.id)).toEqual([
    'sas.https',
    'sas.vhdPath',
    'sas.permissions',
    'sas.start',
    'sas.expiry',
    'sas.signature',
  ]);
});

it.each([
  ['lr', true],
  ['rl', true],
  ['r', false],
  ['rwl', false],
  ['rld', false],
  ['racwdl', false],
  ['rll', false],
  ['', false],
])('permissions sp=%s → pass %s', (sp, ok) => {
  const r = row(check(url({ sp })), 'sas.permissions');
  expect(r.result).toBe(ok ? 'pass' : 'fail');
  if (!ok) expect(r.fix).toMatch(/sp=rl/);
});

it('names the extra permissions', () => {
  expect(row(check(url({ sp: 'rwdl' })), 'sas.permissions').actual).toBe('sp=rwdl (also grants w, d)');
  expect(row(check(url({ sp: undefined })), 'sas.permissions').actual).toBe('no sp parameter');
});

it.each([
  ['2025-02-28T11:59:00Z', true],
  ['2025-02-28T12:00:00Z', true],
  ['2025-02-28T12:00:01Z', false],
  ['2025-02-01T00:00Z', true],
  ['2025-02-01T00:00:00.1234567Z', true],
  ['2025-02-01T01:00:00%2B01:00', false],
  ['2025-02-01', false],
  ['yesterday', false],
])('start st=%s → pass %s', (st, ok) => {
  expect(row(check(url({ st })), 'sas.start').result).toBe(ok ? 'pass' : 'fail');
});

it.each([
  ['2025-03-22T12:00:00Z', true],
  ['2025-03-22T11:59:59Z', false],
  ['2026-01-01T00:00:00Z', true],
  ['2026-01-01', false],
])('expiry se=%s → pass %s', (se, ok) => {
  expect(row(check(url({ se })), 'sas.expiry').result).toBe(ok ? 'pass' : 'fail');
});

it('date-only values are explained', () => {
  expect(row(check(url({ st: '2025-01-01' })), 'sas.start').actual).toBe(
    'st=2025-01-01 is not a full UTC date and time',
  );
  expect(row(check(url({ se: undefined })), 'sas.expiry').actual).toBe('no se parameter');
});

it('requires https, except for local development storage', () => {
  const http = url({}, 'http://127.0.0.1:10000/devstoreaccount1/vhds/os.vhd');
  expect(row(check(http), 'sas.https')).toMatchObject({ result: 'fail', actual: 'http to 127.0.0.1:10000' });
  expect(row(check(http, ['127.0.0.1:10000']), 'sas.https')).toMatchObject({
    result: 'pass',
    actual: expect.stringMatching(/local development storage/),
  });
  expect(row(check(http, ['127.0.0.1']), 'sas.https').result).toBe('pass');
  expect(row(check(http, ['localhost:10000']), 'sas.https').result).toBe('fail');
  expect(row(check(url({}, 'ftp://x/os.vhd'), ['x']), 'sas.https').result).toBe('fail');
});

it('requires the path of a .vhd blob', () => {
  expect(row(check(url({}, 'https://a.blob.core.windows.net/vhds')), 'sas.vhdPath').result).toBe('fail');
  expect(row(check(url({}, 'https://a.blob.core.windows.net/vhds/os.vhdx')), 'sas.vhdPath').result).toBe('fail');
  expect(row(check(url({}, 'https://a.blob.core.windows.net/vhds/OS.VHD')), 'sas.vhdPath').result).toBe('pass');
});

it('never echoes the signature, whatever fails', () => {
  for (const u of [url({}), url({ sp: 'rwl', st: 'x', se: 'y' }), url({}, 'http://h/x'), 'not a url ' + SIG]) {
    expect(JSON.stringify(check(u))).not.toContain(SIG);
  }
  expect(row(check(url({ sig: undefined })), 'sas.signature').result).toBe('fail');
  expect(check('::::')).toEqual([
    expect.objectContaining({ id: 'sas.url', result: 'fail', actual: 'not a valid URL' }),
  ]);
});

it('redacts URLs for display', () => {
  expect(redactSasUrl(url({}))).not.toContain(SIG);
  expect(redactSasUrl(url({}))).toContain('sig=REDACTED');
});

it('parses SAS datetimes', () => {
  expect(parseSasDate('2025-02-01T00:00:00.1234567Z')?.toISOString()).toBe('2025-02-01T00:00:00.123Z');
  expect(parseSasDate('2025-13-01T00:00:00Z')).toBeUndefined();
});
