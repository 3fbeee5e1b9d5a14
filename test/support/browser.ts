// Chromium for the browser tests, driven by playwright-core. The browser is, in order:
// CHROME_PATH; a system Chromium; else the one shipped inside the @sparticuz/chromium npm package
// (extracted to the temp folder on first use), so `npm install` alone is enough.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

// Of @sparticuz/chromium's serverless flags, these are left out: Playwright sets headless mode
// itself, and the tests want the browser's normal web security (same-origin policy, mixed content).
const DROPPED_PACKAGE_FLAGS = [/^--headless/, /^--disable-web-security$/, /^--allow-running-insecure-content$/];

export interface ResolvedChromium {
  executablePath: string;
  source: 'CHROME_PATH' | 'system' | '@sparticuz/chromium';
  /** Flags the source needs on top of LAUNCH_FLAGS. */
  args: string[];
}

const ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'jest.config.js'))) dir = path.dirname(dir);
  return dir;
})();

export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function resolveChromium(
  env: NodeJS.ProcessEnv = process.env,
  systemPaths = SYSTEM_CHROMIUMS,
): Promise<ResolvedChromium> {
  if (env.CHROME_PATH) {
    if (!isExecutable(env.CHROME_PATH)) throw new Error(`CHROME_PATH=${env.CHROME_PATH} is not an executable file.`);
    return { executablePath: env.CHROME_PATH, source: 'CHROME_PATH', args: [] };
  }
  const system = systemPaths.find(isExecutable);
  if (system) return { executablePath: system, source: 'system', args: [] };
  return packagedChromium();
}

/**
 * @sparticuz/chromium inflates its brotli-packed browser into the temp folder. Jest runs test
 * files in parallel workers, so a lock directory keeps two workers from writing it at once.
 */
async function packagedChromium(): Promise<ResolvedChromium> {
  const { default: packaged } = await import('@sparticuz/chromium');
  const lock = path.join(os.tmpdir(), 'offer-go-live-chromium.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than the deadline belongs to a worker that died mid-extraction.
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const executablePath = await packaged.executablePath();
    const args = packaged.args.filter((a) => !DROPPED_PACKAGE_FLAGS.some((d) => d.test(a)));
    return { executablePath, source: '@sparticuz/chromium', args };
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export async function launchChromium(): Promise<Browser & { resolved: ResolvedChromium }> {
  const resolved = await resolveChromium();
  const browser = await chromium.launch({
    executablePath: resolved.executablePath,
    headless: true,
    args: [...LAUNCH_FLAGS, ...resolved.args],
    timeout: 60_000,
  });
  return Object.assign(browser, { resolved });
}

/** Problems a page reported: uncaught errors, console errors (CSP violations among them), failed requests. */
export interface PageProblems {
  errors: string[];
}

export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Expected API refusals (401/404/409/422 the page handles) are logged by Chromium as
    // "Failed to load resource"; those are not page problems.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.errors.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Saves a full-page screenshot under test-artifacts/browser/ (kept by CI as an artifact). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}
