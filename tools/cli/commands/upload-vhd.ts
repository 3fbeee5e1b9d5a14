// `offers upload-vhd`: puts a local fixed VHD into a page blob behind a SAS URL, sending only the
// non-zero pages and resuming an interrupted upload (run the same command again).
import { RestError } from '@azure/storage-blob';
import { positiveInt, UsageError } from '../args';
import { Command } from '../command';
import { CliError } from '../context';
import { formatBytes } from '../format';
import { ProgressLine, renderUploadProgress } from '../progress';
import { azurePageBlob } from '../upload/azure-target';
import { journalPathFor, stripSas } from '../upload/journal';
import { uploadVhd as upload } from '../upload/uploader';

function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`<sas-url> must be a blob URL with a SAS token (got "${raw}")`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError('<sas-url> must be an http(s) URL');
  return stripSas(raw);
}

/** Storage errors carry XML and request ids; the first line of the message is what helps. */
function describe(e: unknown): string {
  if (e instanceof RestError) {
    const first = (e.message || '').split('\n')[0].trim().replace(/\.+$/, '');
    return `${e.statusCode ?? ''} ${e.code ?? ''}${first ? `: ${first}` : ''}`.trim();
  }
  return (e as Error).message ?? String(e);
}

/** What to do about a failed upload: retrying helps with faults, not with a wrong or expired SAS. */
function advice(e: unknown): string {
  const status = e instanceof RestError ? e.statusCode : undefined;
  if (status === 401 || status === 403)
    return 'The SAS URL must allow read, create and write (sp=rcw) and must not have expired.';
  if (status === 404) return 'Check that the container in the SAS URL exists.';
  return 'Run the same command again to resume.';
}

export const uploadVhdCommand: Command = {
  name: 'upload-vhd',
  synopsis: 'upload-vhd <file.vhd> <sas-url> [--parallel <n>]',
  summary: 'Uploads a fixed VHD as a page blob, skipping all-zero pages. Run it again to resume after an interruption.',
  flags: [{ name: 'parallel', kind: 'string', value: '<n>', help: 'chunks uploaded at once (default 8)' }],
  positionals: [{ name: '<file.vhd>' }, { name: '<sas-url>' }],
  async run({ args, io }) {
    const [file, url] = args.positionals;
    const targetId = checkUrl(url);
    const parallel = positiveInt('parallel', args.flags.parallel) ?? 8;
    // For the end-to-end test: die abruptly (as kill -9 would) after N chunks that sent data.
    const abortAfter = Number(io.env.OFFERS_CLI_TEST_ABORT_AFTER_CHUNKS) || 0;
    const bar = new ProgressLine(io.err);
    const started = Date.now();
    let result;
    try {
      result = await upload({
        file,
        target: azurePageBlob(url),
        targetId,
        parallel,
        onStart: (s) => {
          if (s.resumedAt !== undefined)
            io.err.write(
              `Resuming an interrupted upload to ${targetId}: ${formatBytes(s.resumedBytes ?? 0)} (${s.resumedAt} of ${s.totalChunks} chunks) already done.\n`,
            );
          else {
            if (s.restartReason) io.err.write(`Found ${journalPathFor(file)} but ${s.restartReason}; starting over.\n`);
            io.err.write(`Uploading ${file} to ${targetId}\n`);
          }
        },
        onProgress: (p) => bar.update(renderUploadProgress(p)),
        onChunkSent: (_i, n) => {
          if (abortAfter > 0 && n >= abortAfter) {
            bar.done();
            io.err.write(`OFFERS_CLI_TEST_ABORT_AFTER_CHUNKS=${abortAfter}: exiting abruptly\n`);
            process.exit(137);
          }
        },
      });
    } catch (e) {
      bar.done();
      if (e instanceof CliError) throw e;
      throw new CliError(`upload failed: ${describe(e)}. ${advice(e)}`);
    }
    const p = { scanned: result.fileSize, total: result.fileSize, sent: result.bytesSent };
    bar.update(renderUploadProgress(p), true);
    bar.done();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.out.write(
      `${result.resumed ? 'Resumed and finished' : 'Uploaded'} ${file} in ${secs} s: sent ${formatBytes(result.bytesSent)} (${result.bytesSent} bytes) of ${formatBytes(result.fileSize)} (${result.fileSize} bytes); zero pages skipped.\n`,
    );
    return 0;
  },
};
