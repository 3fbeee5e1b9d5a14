// `offers login`: checks the credentials against the service, then saves them for later commands.
import { UsageError } from '../args';
import { PartnerApi } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { normalizeUrl, writeProfile } from '../profile';

export const login: Command = {
  name: 'login',
  synopsis: 'login --url <origin> --publisher <id> --key <key>',
  summary:
    'Checks and saves your credentials. They go to ~/.config/offers-cli/profile.json (mode 0600; env OFFERS_CLI_CONFIG names another folder or .json file).',
  flags: CONNECTION_FLAGS,
  positionals: [],
  async run({ args, io }) {
    const get = (flag: string, envName: string) => (args.flags[flag] as string | undefined) ?? io.env[envName];
    const url = get('url', 'OFFERS_URL');
    const publisher = get('publisher', 'OFFERS_PUBLISHER');
    const key = get('key', 'OFFERS_KEY');
    const missing = [!url && '--url', !publisher && '--publisher', !key && '--key'].filter(Boolean);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
    const conn = { url: normalizeUrl(url!), publisher: publisher!, key: key! };
    // A typo should fail now, not at the first real command.
    await new PartnerApi(conn).verify();
    const file = writeProfile(io.env, conn);
    io.out.write(`Logged in to ${conn.url} as publisher ${conn.publisher}; profile saved to ${file}\n`);
    return 0;
  },
};
