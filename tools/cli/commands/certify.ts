// `offers certify`: the image checks run locally, by the certification tool built next to this CLI.
// Arguments are forwarded unchanged so the two never disagree about flags.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../args';
import { Command } from '../command';
import { CliError } from '../context';

/** dist/tools/cli/commands/certify.js → dist/tools/certify-cli.js */
export const CERTIFY_TOOL = path.resolve(__dirname, '..', '..', 'certify-cli.js');

export const certify: Command = {
  name: 'certify',
  synopsis: 'certify <file.vhd | url> [--os Linux|Windows]',
  summary:
    'Runs the certification checks on a local VHD or a SAS URL. Delegates to dist/tools/certify-cli.js with the same arguments.',
  flags: [
    {
      name: 'os',
      kind: 'string',
      value: 'Linux|Windows',
      help: 'the operating system family of the image',
      choices: ['Linux', 'Windows'],
    },
  ],
  positionals: [{ name: '<file.vhd | url>' }],
  passThrough: true,
  async run({ rawArgs, io }) {
    if (!rawArgs.some((a) => !a.startsWith('-'))) throw new UsageError('missing argument <file.vhd | url>');
    const tool = io.env.OFFERS_CLI_CERTIFY_TOOL ?? CERTIFY_TOOL;
    if (!fs.existsSync(tool))
      throw new CliError(
        `the certification tool is not available: ${tool} does not exist (build it with "npm run build")`,
      );
    return new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [tool, ...rawArgs], { stdio: 'inherit', env: io.env });
      child.once('error', (e) => reject(new CliError(`could not start ${tool}: ${e.message}`)));
      // Killed by a signal: a failure, not success.
      child.once('exit', (code) => resolve(code ?? 1));
    });
  },
};
