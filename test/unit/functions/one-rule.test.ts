// Rules kept once, and the one constant that must equal a file outside the code.
import fs from 'node:fs';
import path from 'node:path';
import { MAX_DEQUEUE } from '../../../adapters/settings/queue-settings';
import { scanApp } from '../infra/code-settings';

const ROOT = path.resolve(__dirname, '../../..');

test("MAX_DEQUEUE is host.json's queues.maxDequeueCount", () => {
  const host = JSON.parse(fs.readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as {
    extensions?: { queues?: { maxDequeueCount?: number } };
  };
  expect(host.extensions?.queues?.maxDequeueCount ?? 5).toBe(MAX_DEQUEUE);
});

function appSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  for (const d of ['functions', 'activities', 'adapters', 'domain', 'orchestrators']) walk(path.join(ROOT, d));
  return out;
}

test('random ids come from newId() alone', () => {
  const users = appSources()
    .filter((f) => /\brandomUUID\b/.test(f.text))
    .map((f) => f.file);
  expect(users).toEqual(['adapters/ids/new-id.ts']);
});

test('the ops key is checked in one place', () => {
  const users = appSources()
    .filter((f) => /\bcheckOpsKey\(/.test(f.text))
    .map((f) => f.file)
    .sort();
  expect(users).toEqual(['adapters/auth/ops-key.ts', 'functions/_shared/require-ops.ts']);
});

test('table names are spelled in adapters/storage/table-names.ts only', () => {
  const names = ['OfferVersions', 'OfferSlots', 'PublishStatus', 'MarketingSlugs', 'PublisherKeys', 'CommandOutcomes'];
  const users = appSources()
    .filter((f) => names.some((n) => f.text.includes(`'${n}'`)) && !f.file.startsWith('domain/api/'))
    .map((f) => f.file);
  expect(users).toEqual(['adapters/storage/table-names.ts']);
});

test('each app setting is read in one module', () => {
  // The settings scanner the infrastructure test uses (every read of process.env, resolved to names).
  const { reads } = scanApp(ROOT);
  const modules = new Map<string, Set<string>>();
  for (const r of reads) modules.set(r.name, (modules.get(r.name) ?? new Set()).add(r.file));
  const spread = [...modules]
    .filter(([, files]) => files.size > 1)
    .map(([name, files]) => `${name}: ${[...files].join(', ')}`);
  expect(spread).toEqual([]);
  expect(modules.size).toBeGreaterThan(10);
});
