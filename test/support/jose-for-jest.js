// jose is published as ES modules only. Node loads it with require() (20.19 and later), but Jest
// on Node before 24.9 cannot, so for the test run a CommonJS copy is compiled once (with the swc
// compiler the tests already use) into the temp folder, and jest.config.js maps `jose` to it.
// The app itself always runs the published package.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function joseRoot() {
  let dir = path.dirname(require.resolve('jose'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

function joseVersion() {
  return JSON.parse(fs.readFileSync(path.join(joseRoot(), 'package.json'), 'utf8')).version;
}

function installed() {
  try {
    require.resolve('jose');
    return true;
  } catch {
    return false;
  }
}

/** Where the CommonJS copy of this jose version lives (undefined while jose is not installed). */
function joseCjsDir() {
  return installed() ? path.join(os.tmpdir(), `offer-go-live-jose-cjs-${joseVersion()}`) : undefined;
}

function compile(from, to) {
  const swc = require('@swc/core');
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(target, { recursive: true });
      compile(source, target);
    } else if (entry.name.endsWith('.js')) {
      const out = swc.transformFileSync(source, {
        jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } },
        module: { type: 'commonjs' },
        swcrc: false,
      });
      fs.writeFileSync(target, out.code);
    }
  }
}

/** Jest globalSetup: builds the copy unless this version's is already there. */
module.exports = async function buildJoseCjs() {
  const dir = joseCjsDir();
  if (!dir || fs.existsSync(path.join(dir, 'index.js'))) return;
  // Built beside and renamed into place, so a parallel run never sees half a copy.
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  compile(path.join(joseRoot(), 'dist', 'webapi'), tmp);
  fs.writeFileSync(path.join(tmp, 'package.json'), '{ "type": "commonjs" }\n');
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another run put its copy there first
  }
};
module.exports.joseCjsDir = joseCjsDir;
