import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatUsage, parseArgs, positiveInt, UsageError, FlagSpec } from '../../../tools/cli/args';
import { findCommand, run } from '../../../tools/cli/main';
import { normalizeUrl, profilePath, readProfile, resolveConnection, writeProfile } from '../../../tools/cli/profile';
import { fakeIo } from './fake-io';

const FLAGS: FlagSpec[] = [
  { name: 'emails', kind: 'string', value: '<list>', help: 'addresses' },
  { name: 'slot', kind: 'string', help: 'slot', choices: ['draft', 'preview', 'production'] },
  { name: 'watch', kind: 'boolean', help: 'watch' },
];

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a usage error');
}

describe('parseArgs', () => {
  it('takes flags before, between and after positionals, as --f v and --f=v', () => {
    expect(parseArgs(['--watch', 'vm1', '--emails', 'a@x.com,b@y.com'], FLAGS, [{ name: '<offerId>' }])).toEqual({
      positionals: ['vm1'],
      flags: { watch: true, emails: 'a@x.com,b@y.com' },
      help: false,
    });
    expect(parseArgs(['vm1', '--emails=a@x.com', '--slot=preview'], FLAGS, [{ name: '<offerId>' }]).flags).toEqual({
      emails: 'a@x.com',
      slot: 'preview',
    });
  });

  it('treats everything after -- as positionals', () => {
    expect(parseArgs(['--', '--watch'], FLAGS, [{ name: '<x>' }]).positionals).toEqual(['--watch']);
  });

  it('recognises --help and -h without checking positionals', () => {
    expect(parseArgs(['-h'], FLAGS, [{ name: '<offerId>' }]).help).toBe(true);
    expect(parseArgs(['--help'], FLAGS, [{ name: '<offerId>' }]).help).toBe(true);
  });

  it.each([
    [['--colour', 'red'], 'unknown flag --colour'],
    [['-x'], 'unknown flag -x'],
    [['vm', '--emails'], '--emails needs a value <list>'],
    [['vm', '--emails', '--watch'], '--emails needs a value <list>'],
    [['vm', '--watch=yes'], '--watch does not take a value'],
    [['vm', '--slot', 'staging'], '--slot must be one of draft, preview, production (got "staging")'],
    [['vm', '--emails='], '--emails needs a non-empty value'],
    [[], 'missing argument <offerId>'],
    [['vm', 'extra'], 'unexpected argument "extra"'],
  ])('%j → %s', (argv, message) => {
    expect(usageMessage(() => parseArgs(argv, FLAGS, [{ name: '<offerId>' }]))).toBe(message);
  });

  it('allows optional positionals to be left out', () => {
    expect(parseArgs([], FLAGS, [{ name: '[x]', optional: true }]).positionals).toEqual([]);
  });

  it('positiveInt accepts whole numbers ≥ 1 only', () => {
    expect(positiveInt('version', '3')).toBe(3);
    expect(positiveInt('version', undefined)).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'two', '1e3']) expect(() => positiveInt('version', bad)).toThrow(UsageError);
  });

  it('formatUsage lists every flag with its value placeholder', () => {
    const text = formatUsage('publish <offerId> --emails <list>', 'Publishes.', FLAGS);
    expect(text).toContain('usage: offers publish <offerId> --emails <list>');
    expect(text).toMatch(/--emails <list>\s+addresses/);
    expect(text).toMatch(/--watch\s+watch/);
  });
});

describe('command dispatch and exit codes', () => {
  it('finds one- and two-word commands', () => {
    expect(findCommand(['offer', 'put', 'vm', 'f.json'])).toMatchObject({
      command: { name: 'offer put' },
      rest: ['vm', 'f.json'],
    });
    expect(findCommand(['golive', 'vm'])).toMatchObject({ command: { name: 'golive' }, rest: ['vm'] });
    expect(findCommand(['offer'])).toBeUndefined();
  });

  it.each([
    [[], /usage: offers <command>/],
    [['deploy'], /unknown command "deploy"/],
    [['offer'], /missing subcommand: offer list \| get \| put/],
    [['offer', 'delete', 'vm'], /unknown command "offer delete"/],
    [['status'], /missing argument <offerId>[\s\S]*usage: offers status <offerId>/],
    [['publish', 'vm'], /missing --emails/],
    [['publish', 'vm', '--emails', 'a@x.com', '--bogus'], /unknown flag --bogus/],
    [['offer', 'put', 'vm', 'f.json', '--force', '--if-match', '"1"'], /--if-match and --force cannot be combined/],
    [['offer', 'get', 'vm', '--version', '2', '--slot', 'preview'], /cannot be combined/],
    [['upload-vhd', 'disk.vhd'], /missing argument <sas-url>/],
    [['certify'], /missing argument <file.vhd \| url>/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const io = fakeIo({ OFFERS_CLI_CONFIG: path.join(os.tmpdir(), 'offers-cli-none', 'profile.json') });
    expect(await run(argv, io)).toBe(2);
    expect(io.err.text).toMatch(message);
    expect(io.out.text).toBe('');
  });

  it('a command without credentials is a usage error naming what is missing', async () => {
    const io = fakeIo({
      OFFERS_CLI_CONFIG: path.join(os.tmpdir(), 'offers-cli-none', 'profile.json'),
      OFFERS_URL: 'http://127.0.0.1:1',
    });
    expect(await run(['status', 'vm'], io)).toBe(2);
    expect(io.err.text).toContain('not logged in');
    expect(io.err.text).toContain('--publisher, --key');
  });

  it('--help prints the usage on stdout with exit 0', async () => {
    const io = fakeIo();
    expect(await run(['publish', '--help'], io)).toBe(0);
    expect(io.out.text).toContain('usage: offers publish <offerId> --emails');
    const all = fakeIo();
    expect(await run(['help'], all)).toBe(0);
    for (const c of [
      'login',
      'offer list',
      'offer get',
      'offer put',
      'publish',
      'status',
      'golive',
      'cancel',
      'certify',
      'upload-vhd',
    ])
      expect(all.out.text).toContain(`  ${c}`);
  });

  it('an unreachable service is "error ConnectionFailed", exit 1, no stack trace', async () => {
    const io = fakeIo({ OFFERS_CLI_CONFIG: path.join(os.tmpdir(), 'offers-cli-none', 'profile.json') });
    expect(await run(['status', 'vm', '--url', 'http://127.0.0.1:9', '--publisher', 'contoso', '--key', 'k'], io)).toBe(
      1,
    );
    expect(io.err.text).toMatch(/^error ConnectionFailed: could not reach http:\/\/127\.0\.0\.1:9/);
    expect(io.err.text).not.toMatch(/\n\s+at /);
  });
});

describe('certify delegation', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offers-cli-certify-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the tool with the same arguments and exits with its code', async () => {
    const tool = path.join(dir, 'certify-cli.js');
    const log = path.join(dir, 'args.json');
    fs.writeFileSync(
      tool,
      `require('fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2))); process.exitCode = 3;`,
    );
    const io = fakeIo({ ...process.env, OFFERS_CLI_CERTIFY_TOOL: tool });
    expect(await run(['certify', 'disk.vhd', '--os', 'Linux', '--json'], io)).toBe(3);
    expect(JSON.parse(fs.readFileSync(log, 'utf8'))).toEqual(['disk.vhd', '--os', 'Linux', '--json']);
  });

  it('says clearly when the tool is not built', async () => {
    const io = fakeIo({ OFFERS_CLI_CERTIFY_TOOL: path.join(dir, 'missing.js') });
    expect(await run(['certify', 'disk.vhd'], io)).toBe(1);
    expect(io.err.text).toMatch(/^error: the certification tool is not available: .*missing\.js does not exist/);
  });
});

describe('profile', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offers-cli-profile-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lives in ~/.config/offers-cli unless OFFERS_CLI_CONFIG names a folder or a .json file', () => {
    expect(profilePath({ HOME: '/home/u' })).toBe('/home/u/.config/offers-cli/profile.json');
    expect(profilePath({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/offers-cli/profile.json');
    expect(profilePath({ OFFERS_CLI_CONFIG: '/tmp/x' })).toBe('/tmp/x/profile.json');
    expect(profilePath({ OFFERS_CLI_CONFIG: '/tmp/x/me.json' })).toBe('/tmp/x/me.json');
  });

  it('is written with mode 0600 and read back', () => {
    const env = { OFFERS_CLI_CONFIG: path.join(dir, 'nested') };
    const file = writeProfile(env, { url: 'http://h:1', publisher: 'contoso', key: 'secret' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readProfile(env)).toEqual({ url: 'http://h:1', publisher: 'contoso', key: 'secret' });
  });

  it('flags win over the environment, which wins over the profile', () => {
    const env: NodeJS.ProcessEnv = { OFFERS_CLI_CONFIG: dir };
    writeProfile(env, { url: 'http://saved:1', publisher: 'saved', key: 'saved-key' });
    expect(resolveConnection({}, env)).toEqual({ url: 'http://saved:1', publisher: 'saved', key: 'saved-key' });
    env.OFFERS_PUBLISHER = 'from-env';
    env.OFFERS_URL = 'http://env:2/api/';
    expect(resolveConnection({ key: 'flag-key' }, env)).toEqual({
      url: 'http://env:2',
      publisher: 'from-env',
      key: 'flag-key',
    });
  });

  it('normalizes the service URL to its origin', () => {
    expect(normalizeUrl('https://offers.example.com/')).toBe('https://offers.example.com');
    expect(normalizeUrl('http://127.0.0.1:7071/api')).toBe('http://127.0.0.1:7071');
    expect(() => normalizeUrl('offers.example.com')).toThrow(UsageError);
    expect(() => normalizeUrl('ftp://x')).toThrow(UsageError);
  });
});
