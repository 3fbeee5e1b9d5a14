// The e-mail telling the support team (SUPPORT_EMAIL) about a new request. A pure template; it
// belongs with the other templates in domain/publishing/emails.ts once that file can take it.
import type { SupportRequest } from './support-request-store';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderSupportRequestEmail(
  r: SupportRequest,
  statusUrl: string,
): { subject: string; plainText: string; html: string } {
  const offer = `${r.publisherId}/${r.offerId}`;
  const subject = `Support request ${r.ticketId}: ${offer} (version ${r.publishingVersion})`;
  const lines = [
    `Publisher ${r.publisherId} opened support request ${r.ticketId} about ${offer}, publishing version ${r.publishingVersion} (status: ${r.offerStatus}).`,
    r.failingStepName ? `Failing step: ${r.failingStepName} (${r.failingStep}).` : 'No step has failed.',
    ...(r.failingMessage ? [`Message shown to the publisher: ${r.failingMessage}`] : []),
    'What the publisher wrote:',
    r.description,
    `Status: ${statusUrl}`,
  ];
  const html = `<!doctype html><html><body>${lines.map((l) => `<p>${esc(l).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`;
  return { subject, plainText: lines.join('\n'), html };
}
