// `offers status`: the publish status as a table, one row per step, plus links and messages.
import { PartnerApi, StatusBody } from '../api-client';
import { Command, CONNECTION_FLAGS } from '../command';
import { renderTable, stepWord, stripHtml } from '../format';
import { latestMessage, renderStatusHeader } from '../progress';
import { resolveConnection } from '../profile';

export function renderStatus(label: string, s: StatusBody): string {
  const rows = s.steps.map((st, i) => [
    String(i + 1),
    st.stepName,
    stepWord(st.status),
    `${st.progressPercentage}%`,
    st.estimatedTimeFrame,
    latestMessage(st),
  ]);
  let text = `${renderStatusHeader(label, s)}\n\n${renderTable(['#', 'STEP', 'STATUS', 'PROGRESS', 'TIME FRAME', 'LATEST MESSAGE'], rows)}`;
  const extra: string[] = [];
  for (const m of s.messages) extra.push(`${m.level}: ${stripHtml(m.messageHtml)}`);
  for (const l of s.previewLinks) extra.push(`preview: ${l.uri}`);
  for (const l of s.liveLinks) extra.push(`live: ${l.uri}`);
  if (s.notificationEmails) extra.push(`notifications: ${s.notificationEmails}`);
  if (extra.length) text += `\n${extra.join('\n')}\n`;
  return text;
}

export const status: Command = {
  name: 'status',
  synopsis: 'status <offerId>',
  summary: 'Shows the publish status of the offer, step by step.',
  flags: CONNECTION_FLAGS,
  positionals: [{ name: '<offerId>' }],
  async run({ args, io }) {
    const conn = resolveConnection(args.flags, io.env);
    const offerId = args.positionals[0];
    const s = await new PartnerApi(conn).status(offerId);
    io.out.write(renderStatus(`${conn.publisher}/${offerId}`, s));
    return 0;
  },
};
