// The e-mails the publishing process sends. Pure templates: values are escaped for the HTML part;
// lead data (personal data) never appears in any of them.
import { NEXT_ACTION, stepDefinition, StepId } from './steps';

export type EmailKind = 'publish-accepted' | 'step-failed' | 'preview-available' | 'live' | 'canceled';

export interface EmailContext {
  publisherId: string;
  offerId: string;
  version: number;
  statusUrl: string;
  step?: StepId;
  messages?: string[];
  previewLinks?: { displayText: string; uri: string }[];
  liveLinks?: { displayText: string; uri: string }[];
}

export interface EmailContent {
  subject: string;
  plainText: string;
  html: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
// Step messages may carry simple HTML (messageHtml); e-mails show them as text.
const strip = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

export function renderEmail(kind: EmailKind, c: EmailContext): EmailContent {
  const offer = `${c.publisherId}/${c.offerId}`;
  const lines: string[] = [];
  let subject: string;
  switch (kind) {
    case 'publish-accepted':
      subject = `Publishing started: ${offer} (version ${c.version})`;
      lines.push(
        `We received your request to publish ${offer}. Publishing version ${c.version} is now going through validation, certification, provisioning and packaging.`,
        'We will e-mail you when the preview is ready or if anything needs your attention.',
      );
      break;
    case 'step-failed': {
      const step = stepDefinition(c.step!);
      subject = `Action needed: ${offer} failed at "${step.stepName}"`;
      lines.push(
        `Publishing version ${c.version} of ${offer} stopped at step "${step.stepName}".`,
        'What happened:',
        ...(c.messages ?? []).map((m) => `- ${strip(m)}`),
        `What to do next: ${NEXT_ACTION[c.step!]}`,
        'Publishing again restarts at step 1.',
      );
      break;
    }
    case 'preview-available':
      subject = `Preview ready: ${offer} (version ${c.version})`;
      lines.push(
        `${offer} is available in preview to the subscriptions in your preview audience.`,
        'Check the preview and that the VM deploys, then click Go Live on the Status tab (or Cancel).',
        ...(c.previewLinks ?? []).map((l) => `${l.displayText}: ${l.uri}`),
      );
      break;
    case 'live':
      subject = `Live: ${offer}`;
      lines.push(
        `${offer} is live. Customers can now find and deploy it.`,
        ...(c.liveLinks ?? []).map((l) => `${l.displayText}: ${l.uri}`),
      );
      break;
    case 'canceled':
      subject = `Publishing cancelled: ${offer} (version ${c.version})`;
      lines.push(
        `Publishing version ${c.version} of ${offer} was cancelled at publisher sign-off. The status is back at step 1; publish again when you are ready.`,
      );
      break;
  }
  lines.push(`Status: ${c.statusUrl}`);
  const plainText = lines.join('\n');
  const html = `<!doctype html><html><body>${lines.map((l) => `<p>${linkify(esc(l))}</p>`).join('')}</body></html>`;
  return { subject, plainText, html };
}

function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);
}
