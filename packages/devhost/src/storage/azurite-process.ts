// Runs Azurite in this process for the devhost and ends it with the process that started it:
//
//   node azurite-process.js <path to azurite.js> [Azurite's own flags…]
//
// The parent holds the write end of this process's stdin. When the parent goes away — Ctrl-C,
// a crash, or kill -9, which no handler can catch — the kernel closes that pipe and stdin ends;
// as a second line of defence the parent's pid (DEVHOST_AZURITE_PARENT_PID) is polled every second.
// Either way Azurite is shut down through its own SIGTERM handler, which closes its servers and
// saves its databases (it writes them only every 5 s otherwise), so nothing committed is lost.
//
// A signal (the devhost's stop, or the next devhost clearing an orphan) does the same; a second
// signal while shutting down is ignored rather than cutting the save short. Whatever happens, the
// process is gone within SHUTDOWN_LIMIT_MS.

export {}; // a module, not a global script

const SHUTDOWN_LIMIT_MS = 15_000;

const [bin, ...flags] = process.argv.slice(2);
const parentPid = Number(process.env.DEVHOST_AZURITE_PARENT_PID) || process.ppid;
let ending = false;

// Once the parent is gone, nobody reads stdout/stderr: Azurite's closing messages would fail with
// EPIPE, and an unhandled stream error would end the process before its databases are saved.
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);

/** Azurite registers its SIGTERM handler once its three services listen; ours comes first. */
const azuriteListening = () => process.listenerCount('SIGTERM') > 1;

function end(why: 'signal' | 'parent gone'): void {
  if (ending) return;
  ending = true;
  setTimeout(() => process.exit(0), SHUTDOWN_LIMIT_MS).unref();
  process.stdin.destroy(); // an open stdin would keep this process alive after Azurite has closed
  if (!azuriteListening()) process.exit(0); // still starting: nothing of Azurite's to save yet
  // A signal reaches Azurite's own handler right after this one; otherwise call it.
  if (why === 'parent gone') process.emit('SIGTERM', 'SIGTERM');
}

process.on('SIGTERM', () => end('signal'));
process.on('SIGINT', () => end('signal'));

process.stdin.on('end', () => end('parent gone'));
process.stdin.on('error', () => end('parent gone'));
process.stdin.resume();
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') end('parent gone');
  }
}, 1000).unref();

if (!bin) {
  process.stderr.write('usage: node azurite-process.js <azurite.js> [flags]\n');
  process.exit(2);
}
// Azurite reads its flags from process.argv as if it had been started as `node azurite.js …`.
process.argv = [process.argv[0], bin, ...flags];
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Azurite's own entry point, by path
require(bin);
