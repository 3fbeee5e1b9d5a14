// `npm run start:signin`: the development issuer on this machine, then the given command (the
// devhost) with AUTH_ISSUER, AUTH_AUDIENCE and AUTH_CLIENT_ID pointing at it, so the portal's
// organisation sign-in works offline. The app is unchanged: it trusts whatever issuer its
// settings name. Sign in with the publisher key first and add the users below on the Users page.
import { spawn } from 'node:child_process';
import { DevIssuer, DevUser } from './issuer';

const USERS: DevUser[] = [
  { objectId: '0a000000-0000-4000-8000-000000000001', name: 'Olivia Owner', username: 'olivia@contoso.test' },
  { objectId: '0a000000-0000-4000-8000-000000000002', name: 'Mia Manager', username: 'mia@contoso.test' },
  { objectId: '0a000000-0000-4000-8000-000000000003', name: 'Devon Developer', username: 'devon@contoso.test' },
];

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('Usage: node dist/tools/dev-issuer/main.js <command> [args…]   (e.g. devhost --settings-fallback …)');
    process.exit(2);
  }
  const appPort = Number(process.env.PORT ?? 7071);
  const issuer = await DevIssuer.start({
    port: Number(process.env.DEV_ISSUER_PORT ?? 7072),
    audience: 'api://offer-go-live-dev',
    clientId: 'offer-go-live-portal-dev',
    redirectUris: [`http://localhost:${appPort}/`, `http://127.0.0.1:${appPort}/`],
    users: USERS,
  });
  console.log(`Development issuer: ${issuer.issuer}`);
  for (const u of USERS) console.log(`  ${u.name.padEnd(16)} object id ${u.objectId}`);
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...issuer.settings() }, shell: false });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    void issuer.close().then(() => process.exit(code ?? 0));
  });
}

void main();
