import { LogLevel } from './types';

const LEVELS: LogLevel[] = ['trace', 'debug', 'information', 'warning', 'error', 'critical', 'none'];
const COLORS: Partial<Record<LogLevel, string>> = { warning: '\x1b[33m', error: '\x1b[31m', critical: '\x1b[31m' };

/** Terminal log lines: one per message, tagged with function name and invocation id. */
export class Logger {
  private readonly min: number;
  private readonly color: boolean;

  constructor(
    minLevel: LogLevel = 'information',
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {
    this.min = LEVELS.indexOf(minLevel);
    this.color = Boolean((out as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR;
  }

  log(level: LogLevel, message: string, scope?: { functionName?: string; invocationId?: string }): void {
    if (LEVELS.indexOf(level) < this.min || level === 'none') return;
    const time = new Date().toISOString();
    const where = scope?.functionName
      ? ` ${scope.functionName}${scope.invocationId ? ` (${scope.invocationId})` : ''}`
      : '';
    const tag = level === 'information' ? 'info' : level;
    const line = `[${time}] [${tag}]${where}: ${message}`;
    const c = this.color ? COLORS[level] : undefined;
    this.out.write(c ? `${c}${line}\x1b[0m\n` : `${line}\n`);
  }

  info(message: string): void {
    this.log('information', message);
  }
  warn(message: string): void {
    this.log('warning', message);
  }
  error(message: string): void {
    this.log('error', message);
  }
}

export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? '').toLowerCase();
  if (v === 'info') return 'information';
  return (LEVELS as string[]).includes(v) ? (v as LogLevel) : 'information';
}
