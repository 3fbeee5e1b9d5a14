// Progress rendering. The pure functions build the text (unit-tested); LiveView puts it on screen:
// on a terminal it redraws the block in place, in a log or pipe it appends only lines that changed,
// so `--watch` output stays readable in CI logs as well.
import type { StepBody, StatusBody } from './api-client';
import type { Stream } from './context';
import { formatBytes, offerWord, stepWord, stripHtml } from './format';

export function renderBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const percent = (fraction: number) => `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);

/** The longest step name ("Packaging and Lead Generation Registration"), so columns line up. */
const NAME_WIDTH = 42;

export function latestMessage(step: Pick<StepBody, 'messages'>): string {
  const m = step.messages[step.messages.length - 1];
  return m ? stripHtml(m.messageHtml) : '';
}

/** One step: `3. Provisioning   [####.....]  40% in progress           The image was …`. */
export function renderStepLine(step: StepBody, index: number): string {
  const msg = latestMessage(step);
  const status = stepWord(step.status).padEnd(20);
  return `${String(index + 1).padStart(2)}. ${step.stepName.padEnd(NAME_WIDTH)} ${renderBar(step.progressPercentage / 100)} ${percent(step.progressPercentage / 100)}  ${msg ? status : status.trimEnd()}${msg ? `  ${msg}` : ''}`;
}

export function renderStatusHeader(offer: string, s: Pick<StatusBody, 'status' | 'publishingVersion'>): string {
  return `${offer}${s.publishingVersion ? ` version ${s.publishingVersion}` : ''}: ${offerWord(s.status)}`;
}

export interface LiveLine {
  key: string;
  text: string;
}

/** Cuts a line to the terminal width so a redraw never wraps (wrapping would break cursor moves). */
export function fit(text: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class LiveView {
  private drawn = 0;
  private readonly last = new Map<string, string>();

  constructor(private readonly stream: Stream) {}

  update(lines: LiveLine[]): void {
    if (this.stream.isTTY) {
      let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
      for (const l of lines) s += `\r\x1b[2K${fit(l.text, this.stream.columns)}\n`;
      if (lines.length < this.drawn) s += '\x1b[J';
      this.stream.write(s);
      this.drawn = lines.length;
      return;
    }
    let s = '';
    for (const l of lines) {
      if (this.last.get(l.key) === l.text) continue;
      this.last.set(l.key, l.text);
      s += `${l.text}\n`;
    }
    if (s) this.stream.write(s);
  }
}

/** One line of upload progress: what was scanned of the file and what was actually sent. */
export function renderUploadProgress(p: { scanned: number; total: number; sent: number }): string {
  const f = p.total > 0 ? p.scanned / p.total : 1;
  return `${renderBar(f, 30)} ${percent(f)}  scanned ${formatBytes(p.scanned)} of ${formatBytes(p.total)}, sent ${formatBytes(p.sent)}`;
}

/**
 * A single progress line: on a terminal rewritten in place (at most every `ttyMs`), elsewhere a new
 * line at most every `plainMs`, so a log gets a heartbeat rather than thousands of lines.
 */
export class ProgressLine {
  private lastAt = -Infinity;
  private open = false;

  constructor(
    private readonly stream: Stream,
    private readonly now: () => number = Date.now,
    private readonly ttyMs = 100,
    private readonly plainMs = 2000,
  ) {}

  update(text: string, force = false): void {
    const t = this.now();
    if (!force && t - this.lastAt < (this.stream.isTTY ? this.ttyMs : this.plainMs)) return;
    this.lastAt = t;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${fit(text, this.stream.columns)}`);
      this.open = true;
    } else this.stream.write(`${text}\n`);
  }

  /** Ends the in-place line, so what is printed next starts on a line of its own. */
  done(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }
}
