// A started stack and browser for portal tests, signed in as one publisher: what every editor test
// begins with, in one place.
import { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, PageProblems } from './browser';
import { Partner } from './partner-api';
import { startStack, Stack } from './stack';

export interface PortalSession {
  stack: Stack;
  browser: Browser;
  /** The publisher `contoso` (key `contoso-key`) through the API. */
  contoso: Partner;
  /** A fresh browser context and page; closed with the session. */
  page(viewport?: { width: number; height: number }): Promise<{ page: Page; problems: PageProblems }>;
  /** Signs in to the portal as contoso and waits for the offer list. */
  signIn(p: Page): Promise<void>;
  close(): Promise<void>;
}

export async function startPortalSession(env: NodeJS.ProcessEnv = {}): Promise<PortalSession> {
  const [stack, browser] = await Promise.all([
    startStack('.', { DEV_PUBLISHERS: 'contoso:contoso-key', ...env }),
    launchChromium(),
  ]);
  const open: { close(): Promise<void> }[] = [];
  return {
    stack,
    browser,
    contoso: new Partner(stack, 'contoso', 'contoso-key'),
    async page(viewport) {
      const { context, page, problems } = await openPage(browser, { viewport });
      open.push(context);
      return { page, problems };
    },
    async signIn(p) {
      await p.goto(stack.url('/'));
      await p.getByLabel('Publisher id').fill('contoso');
      await p.getByLabel('API key').fill('contoso-key');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'All offers' }).waitFor();
    },
    async close() {
      for (const c of open) await c.close().catch(() => undefined);
      await browser.close();
      await stack.stop();
    },
  };
}
