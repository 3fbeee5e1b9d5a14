// Azurite and the devhost for the app's tests, from the devhost package's test helpers; app folders
// are named relative to the project root, wherever the test runs from (jest, or bench from dist/).
import fs from 'node:fs';
import path from 'node:path';
import { startStack as startDevhostStack, Stack } from '@offer-go-live/devhost';

export { DevhostProcess, waitUntil } from '@offer-go-live/devhost';
export type { Stack } from '@offer-go-live/devhost';

export const ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'jest.config.js'))) dir = path.dirname(dir);
  return dir;
})();

export function startStack(appDir: string, env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  return startDevhostStack(path.resolve(ROOT, appDir), env);
}
