// Which Chromium the browser tests run: CHROME_PATH, else a system Chromium, else the one inside
// the @sparticuz/chromium package (so a machine with only `npm install` can run them).
import fs from 'node:fs';
import { LAUNCH_FLAGS, resolveChromium } from '../support/browser';

test('CHROME_PATH wins, and must be an executable', async () => {
  await expect(resolveChromium({ CHROME_PATH: process.execPath })).resolves.toEqual({
    executablePath: process.execPath,
    source: 'CHROME_PATH',
    args: [],
  });
  await expect(resolveChromium({ CHROME_PATH: '/nonexistent/chrome' })).rejects.toThrow(/CHROME_PATH/);
});

test('then the first system Chromium that exists', async () => {
  await expect(resolveChromium({}, ['/nonexistent/chromium', process.execPath])).resolves.toEqual({
    executablePath: process.execPath,
    source: 'system',
    args: [],
  });
});

test('else the browser shipped in @sparticuz/chromium, with its flags minus headless and web-security ones', async () => {
  const r = await resolveChromium({}, []);
  expect(r.source).toBe('@sparticuz/chromium');
  expect(fs.statSync(r.executablePath).isFile()).toBe(true);
  expect(r.args.length).toBeGreaterThan(0);
  expect(r.args.some((a) => /^--headless|^--disable-web-security$|^--allow-running-insecure-content$/.test(a))).toBe(
    false,
  );
  expect(LAUNCH_FLAGS).toEqual(
    expect.arrayContaining(['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']),
  );
}, 120_000);
