// `--watch`: polls the status once a second and shows every step live, until the publish reaches
// a state where nothing more happens without the partner (sign-off) or at all (live, failed, canceled).
import { ApiFailure, PartnerApi, StatusBody } from './api-client';
import type { Io } from './context';
import { stripHtml } from './format';
import { LiveLine, LiveView, renderStatusHeader, renderStepLine } from './progress';

export interface WatchOptions {
  /** Overall statuses at which to stop. */
  until: readonly string[];
  /** Only a status of this publishing version counts (an older version's state is not the answer). */
  version?: number;
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Consecutive failed polls tolerated (a restarting host, a dropped connection) before giving up. */
const MAX_POLL_FAILURES = 5;

export function statusLines(offerId: string, s: StatusBody): LiveLine[] {
  return [
    { key: 'header', text: renderStatusHeader(offerId, s) },
    ...s.steps.map((st, i) => ({ key: st.id, text: renderStepLine(st, i) })),
  ];
}

export function pollInterval(env: NodeJS.ProcessEnv): number {
  const n = Number(env.OFFERS_CLI_POLL_MS);
  return Number.isFinite(n) && n >= 10 ? n : 1000;
}

export async function watchStatus(api: PartnerApi, offerId: string, io: Io, opts: WatchOptions): Promise<StatusBody> {
  const view = new LiveView(io.out);
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let failures = 0;
  for (;;) {
    let s: StatusBody | undefined;
    try {
      s = await api.status(offerId);
      failures = 0;
    } catch (e) {
      // A 4xx will not get better by asking again; a dropped connection or a 5xx may.
      const transient = e instanceof ApiFailure && (e.status === 0 || e.status >= 500);
      if (!transient || ++failures >= MAX_POLL_FAILURES) throw e;
    }
    if (s) {
      view.update(statusLines(offerId, s));
      const current = opts.version === undefined || s.publishingVersion === opts.version;
      if (current && opts.until.includes(s.status)) return s;
    }
    await sleep(opts.intervalMs ?? 1000);
  }
}

/** What the final state means and what to do next; the exit code follows from it. */
export function outcome(offerId: string, s: StatusBody): { text: string; exitCode: number } {
  switch (s.status) {
    case 'waitingForPublisherReview': {
      const link = s.previewLinks[0]?.uri;
      return {
        text: `Waiting for your sign-off${link ? `: check the preview at ${link}` : ''}, then run "offers golive ${offerId}" (or "offers cancel ${offerId}").`,
        exitCode: 0,
      };
    }
    case 'succeeded': {
      const link = s.liveLinks[0]?.uri;
      return { text: `Live${link ? `: ${link}` : '.'}`, exitCode: 0 };
    }
    case 'canceled':
      return { text: `Publishing was cancelled. Run "offers publish ${offerId}" to start again.`, exitCode: 1 };
    case 'failed': {
      const step =
        s.steps.find((x) => x.status === 'rejected') ??
        s.steps.find((x) => x.messages.some((m) => m.level === 'error'));
      const errors = step?.messages.filter((m) => m.level === 'error').map((m) => stripHtml(m.messageHtml)) ?? [];
      return {
        text: `Publishing failed${step ? ` at "${step.stepName}"` : ''}.${errors.length ? `\n  ${errors.join('\n  ')}` : ''}`,
        exitCode: 1,
      };
    }
    default:
      return { text: `Status: ${s.status}.`, exitCode: 1 };
  }
}
