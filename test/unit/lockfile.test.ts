// `npm ci` (what CI runs) refuses a lockfile that lacks any optional dependency, even one for
// another platform; `npm run lockfile:fix` records those. This fails when a dependency change
// forgot to run it.
import fs from 'node:fs';
import path from 'node:path';

test('every optional dependency has a lockfile entry, so npm ci accepts the lock', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
    packages: Record<string, { optionalDependencies?: Record<string, string> }>;
  };
  const missing: string[] = [];
  for (const [where, meta] of Object.entries(lock.packages)) {
    for (const name of Object.keys(meta.optionalDependencies ?? {})) {
      if (!lock.packages[`node_modules/${name}`] && !lock.packages[`${where}/node_modules/${name}`])
        missing.push(`${name} (needed by ${where || 'the project'})`);
    }
  }
  expect(missing).toEqual([]);
});
