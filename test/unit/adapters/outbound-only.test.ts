// No way around the outbound guard: in the app's code, only adapters/net/outbound.ts opens network
// connections of its own; the Azure SDK clients are built either for the app's own configured
// services (its storage account, ACS) or, from partner input, with the outbound transport.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const APP = ['functions', 'activities', 'orchestrators', 'adapters', 'domain'];

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}
const sources = APP.flatMap((d) => files(path.join(ROOT, d))).map((f) => ({
  file: path.relative(ROOT, f),
  text: fs
    .readFileSync(f, 'utf8')
    .replace(/\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, ''),
}));

const THE_MODULE = 'adapters/net/outbound.ts';
// The app's own services, configured by app settings (never by a partner).
const OWN_SERVICES = [
  'adapters/storage/connection.ts',
  'adapters/email/choose-email-sender.ts',
  'adapters/email/acs-email-sender.ts',
];
// The host's own management API, at the URL the Durable binding gives the function.
const OWN_HOST_FETCH = ['functions/ops.ts'];

test('only the outbound module imports a network client', () => {
  const offenders = sources.filter(
    (s) =>
      s.file !== THE_MODULE &&
      /from '(undici|node:https?|https?|node:net|net|node:tls|tls|node:dgram|axios|got|node-fetch)'|require\('(undici|https?|net|tls)'\)/.test(
        s.text,
      ),
  );
  expect(offenders.map((s) => s.file)).toEqual([]);
});

test("no global fetch outside the outbound module (but for the host's own management URL)", () => {
  const offenders = sources.filter(
    (s) =>
      s.file !== THE_MODULE &&
      !OWN_HOST_FETCH.includes(s.file) &&
      /(?<![.\w]|async |private |public )fetch\(/.test(s.text),
  );
  expect(offenders.map((s) => s.file)).toEqual([]);
});

test("SDK clients outside the app's own services go through the outbound transport", () => {
  const offenders: string[] = [];
  for (const s of sources.filter((x) => !OWN_SERVICES.includes(x.file))) {
    for (const m of s.text.matchAll(/(new \w+Client\(|\w+Client\.fromConnectionString\()/g)) {
      const call = s.text.slice(m.index, s.text.indexOf(';', m.index));
      const options =
        call.includes('httpClient: outbound') || (/\boptions\)/.test(call) && /httpClient: outbound/.test(s.text));
      if (!options) offenders.push(`${s.file}: ${call.slice(0, 80)}`);
    }
  }
  expect(offenders).toEqual([]);
});
