// Sign-in with an organisation account in a real Chromium: the portal sends the person to the
// issuer (here the development issuer) with PKCE, redeems the code, asks the API which publisher
// they belong to; an Owner adds a Developer on the Users page, and that Developer then signs in.
import { Browser, Page } from 'playwright-core';
import type { DevIssuer } from '../../tools/dev-issuer/issuer';
import { launchChromium, openPage, PageProblems } from '../support/browser';
import { DEVON, OLIVIA, startDevIssuer } from '../support/dev-identities';
import { Partner } from '../support/partner-api';
import { startStack, Stack } from '../support/stack';

jest.setTimeout(120_000);

let issuer: DevIssuer;
let stack: Stack;
let browser: Browser;
const redirectUris: string[] = [];
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  issuer = await startDevIssuer(redirectUris);
  [stack, browser] = await Promise.all([
    startStack('.', { DEV_PUBLISHERS: 'contoso:contoso-key', ...issuer.settings() }),
    launchChromium(),
  ]);
  // The portal's redirect URI, registered once the app's address is known.
  redirectUris.push(stack.url('/'));
  const key = new Partner(stack, 'contoso', 'contoso-key');
  expect((await key.call('PUT', `/users/${OLIVIA.objectId}`, { kind: 'user', role: 'Owner' })).status).toBe(201);
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  await issuer?.close();
});

async function page(): Promise<{ page: Page; problems: PageProblems }> {
  const { context, page, problems } = await openPage(browser);
  open.push(context);
  return { page, problems };
}

async function signInAs(p: Page, name: string): Promise<void> {
  await p.goto(stack.url('/'));
  await p.getByRole('button', { name: 'Sign in with Microsoft Entra ID' }).click();
  await p.getByRole('heading', { name: 'Development sign-in' }).waitFor();
  // The issuer got a PKCE challenge, never the verifier.
  const asked = new URL(p.url());
  expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
  expect(asked.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await p.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await p.getByRole('heading', { name: 'All offers' }).waitFor();
  // The code is gone from the address once redeemed.
  expect(new URL(p.url()).search).toBe('');
}

test('an Owner signs in with the issuer, adds a Developer on the Users page, and the Developer signs in', async () => {
  const owner = await page();
  await signInAs(owner.page, OLIVIA.name);
  await expect(owner.page.locator('#who').textContent()).resolves.toBe('Signed in as Olivia Owner, contoso (Owner)');
  await owner.page.getByRole('link', { name: 'Users' }).click();
  await owner.page.getByRole('heading', { name: 'Users' }).waitFor();
  await owner.page.getByLabel('Object id').fill(DEVON.objectId);
  await owner.page.getByLabel('Name (optional)').fill(DEVON.name);
  await owner.page.getByLabel('Role').selectOption('Developer');
  await owner.page.getByRole('button', { name: 'Add user' }).click();
  const row = owner.page.getByRole('row', { name: new RegExp(DEVON.name) });
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('Developer');

  const developer = await page();
  await signInAs(developer.page, DEVON.name);
  await expect(developer.page.locator('#who').textContent()).resolves.toBe(
    'Signed in as Devon Developer, contoso (Developer)',
  );
  // Users is for Owners: no link, and the page itself says so.
  await expect(developer.page.getByRole('link', { name: 'Users' }).isHidden()).resolves.toBe(true);
  await developer.page.goto(stack.url('/#/users'));
  await developer.page.getByText('Only Owners manage users.').waitFor();
  expect([...owner.problems.errors, ...developer.problems.errors]).toEqual([]);
});

test('someone the issuer knows but no publisher has added is told their object id to pass on', async () => {
  const { page: p } = await page();
  await p.goto(stack.url('/'));
  await p.getByRole('button', { name: 'Sign in with Microsoft Entra ID' }).click();
  await p.getByRole('button', { name: /^Mia Manager/ }).click();
  await p.getByText(/not yet a user of any publisher.*0a000000-0000-4000-8000-000000000002/).waitFor();
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
});
