import path from 'node:path';

/** The folder of one of the small apps in test/fixtures, each built by the package's `npm run build`. */
export function fixture(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}
