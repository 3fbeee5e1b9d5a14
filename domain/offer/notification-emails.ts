/**
 * The publish request's `metadata["notification-emails"]`: "a@x.com,b@y.com" (the portal also
 * accepted ";" as a separator, as Outlook users paste lists that way).
 */

export const MAX_NOTIFICATION_EMAILS = 20;

// Practical address check (RFC 5321 length limits, dot-atom local part, a dotted domain with a
// letter TLD). It is not the full RFC 5322 grammar: quoted local parts and IP-literal domains are
// refused, since no mail service we send through would deliver to them reliably anyway.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL.test(local)) return false;
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return false;
  return /^[A-Za-z]{2,}$/.test(labels[labels.length - 1]);
}

export type ParseNotificationEmailsResult = { ok: true; emails: string[] } | { ok: false; message: string };

export function parseNotificationEmails(value: unknown): ParseNotificationEmailsResult {
  if (typeof value !== 'string') {
    return {
      ok: false,
      message: 'notification-emails must be a string of comma- or semicolon-separated e-mail addresses',
    };
  }
  // Bounded before splitting so a huge body costs nothing; 20 maximal addresses fit easily.
  if (value.length > 10_000) {
    return {
      ok: false,
      message: `notification-emails is ${value.length} characters long; at most ${MAX_NOTIFICATION_EMAILS} addresses are accepted`,
    };
  }
  const emails: string[] = [];
  const seen = new Set<string>();
  // Empty pieces ("a@x.com, ,b@y.com" or a trailing comma) are tolerated: they are a typing slip.
  for (const piece of value
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    if (!isEmailAddress(piece)) {
      return {
        ok: false,
        message: `notification-emails contains "${piece.slice(0, 100)}", which is not a valid e-mail address`,
      };
    }
    const key = piece.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      emails.push(piece);
    }
  }
  if (emails.length === 0) {
    return {
      ok: false,
      message: 'notification-emails is required: give at least one e-mail address to notify about this publish',
    };
  }
  if (emails.length > MAX_NOTIFICATION_EMAILS) {
    return {
      ok: false,
      message: `notification-emails has ${emails.length} addresses; at most ${MAX_NOTIFICATION_EMAILS} are allowed`,
    };
  }
  return { ok: true, emails };
}
