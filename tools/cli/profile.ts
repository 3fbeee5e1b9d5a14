// The saved login: service origin, publisher id and key. The file holds a secret, so it is written
// with mode 0600 in a 0700 folder, atomically (a crash never leaves half a profile).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './args';
import { CliError } from './context';

export interface Connection {
  url: string;
  publisher: string;
  key: string;
}

/**
 * `OFFERS_CLI_CONFIG` names the profile file when it ends in `.json`, otherwise the folder that
 * holds `profile.json` (tests point it at a temp folder). Default `~/.config/offers-cli/profile.json`.
 */
export function profilePath(env: NodeJS.ProcessEnv): string {
  const override = env.OFFERS_CLI_CONFIG;
  if (override) return override.endsWith('.json') ? path.resolve(override) : path.resolve(override, 'profile.json');
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'offers-cli', 'profile.json');
}

export function readProfile(env: NodeJS.ProcessEnv): Partial<Connection> {
  const file = profilePath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read the profile ${file}: ${(e as Error).message}`);
  }
  try {
    const p = JSON.parse(text) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { url: str(p.url), publisher: str(p.publisher), key: str(p.key) };
  } catch {
    throw new CliError(`the profile ${file} is not valid JSON; run "offers login" again`);
  }
}

export function writeProfile(env: NodeJS.ProcessEnv, c: Connection): string {
  const file = profilePath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  // writeFileSync's mode applies only to a new file; make sure, then move into place.
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}

/** `http://host:7071/` and `http://host:7071/api` both mean the origin `http://host:7071`. */
export function normalizeUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--url must be a URL such as https://offers.example.com (got "${raw}")`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`--url must be http or https (got "${raw}")`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}`;
}

/** Flags win over the environment, which wins over the saved profile. */
export function resolveConnection(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): Connection {
  const saved = readProfile(env);
  const pick = (flag: string, envName: string, fromProfile: string | undefined) => {
    const f = flags[flag];
    return (typeof f === 'string' ? f : undefined) || env[envName] || fromProfile;
  };
  const url = pick('url', 'OFFERS_URL', saved.url);
  const publisher = pick('publisher', 'OFFERS_PUBLISHER', saved.publisher);
  const key = pick('key', 'OFFERS_KEY', saved.key);
  const missing = [!url && '--url', !publisher && '--publisher', !key && '--key'].filter(Boolean);
  if (missing.length) {
    throw new UsageError(
      `not logged in: run "offers login --url <origin> --publisher <id> --key <key>" or pass ${missing.join(', ')} (or OFFERS_URL, OFFERS_PUBLISHER, OFFERS_KEY)`,
    );
  }
  return { url: normalizeUrl(url!), publisher: publisher!, key: key! };
}
