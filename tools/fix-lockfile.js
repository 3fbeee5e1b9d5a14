#!/usr/bin/env node
// npm leaves platform-specific optional dependencies that its registry does not serve out of the
// lockfile, and `npm ci` then refuses the lock. Records them (platform-tagged, never installed here).
// Run `npm run lockfile:fix` after changing dependencies; test/unit/lockfile.test.ts checks it.
const fs = require('fs');
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pk = lock.packages;
const plat = (name) => {
  const os = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'aix'].find((o) =>
    name.includes(`-${o}-`),
  );
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'].find((c) =>
    new RegExp(`-${c}(-|$)`).test(name.replace(/^.*\//, '')),
  );
  return { os, cpu };
};
let added = 0;
for (const [path, meta] of Object.entries(pk)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies || {})) {
    if (pk[`node_modules/${name}`] || pk[`${path}/node_modules/${name}`]) continue;
    const { os, cpu } = plat(name);
    if (!os && !cpu) continue;
    const entry = { version: range.replace(/^[\^~=]/, '') };
    if (meta.dev) entry.dev = true;
    entry.optional = true;
    if (cpu) entry.cpu = [cpu];
    if (os) entry.os = [os];
    pk[`node_modules/${name}`] = entry;
    added++;
  }
}
const sorted = {};
for (const k of Object.keys(pk).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))) sorted[k] = pk[k];
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
