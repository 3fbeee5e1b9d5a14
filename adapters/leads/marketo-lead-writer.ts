import {
  isMunchkinId,
  MARKETO_FORM_FIELDS,
  marketoFormId,
  marketoOutcome,
  marketoSubmitForm,
  oauthErrorText,
  tokenAnswer,
  withoutSecrets,
} from '../../domain/leads/crm-bodies';
import { answerExcerpt, type MarketoConfig } from '../../domain/leads/delivery';
import { Lead } from '../../domain/leads/lead';
import { crmTokens, IssuedToken } from './crm-tokens';
import { callCrm, crmFailure, isSuccess, LeadDeliveryUnavailable } from './https-lead-writer';
import { LeadRejected } from './table-lead-writer';

const CONFIG = 'marketoLeadConfiguration';
const IDENTITY = 'The Marketo Identity service';
const MARKETO = 'Marketo';
const PLACEHOLDER = '{munchkinId}';

/**
 * Where a subscription's REST API lives: `https://{munchkinId}.mktorest.com` unless overridden
 * (tests point it at a local server, e.g. `http://127.0.0.1:PORT/{munchkinId}`).
 */
export function restBaseTemplate(env: NodeJS.ProcessEnv = process.env): string {
  return env.MARKETO_REST_BASE_URL_TEMPLATE || `https://${PLACEHOLDER}.mktorest.com`;
}

/** The REST base URL of an account. The id was checked to be digits, letters and dashes: it cannot change more than the one label. */
function restBase(munchkinId: string): string {
  const template = restBaseTemplate();
  // Without the placeholder every partner's leads would go to one account: a setting mistake, not the partner's.
  if (!template.includes(PLACEHOLDER)) throw new Error(`MARKETO_REST_BASE_URL_TEMPLATE must contain ${PLACEHOLDER}.`);
  return template.split(PLACEHOLDER).join(munchkinId.toUpperCase()).replace(/\/+$/, '');
}

interface Account {
  base: string;
  clientId: string;
  clientSecret: string;
  formId: number;
}

function accountOf(c: MarketoConfig): Account {
  if (!c.munchkinId || !c.formId || !c.clientId || !c.clientSecret) {
    throw new LeadRejected(
      `Lead destination Marketo needs the Munchkin id, form id, client id and client secret (${CONFIG}.munchkinId, .formId, .clientId, .clientSecret).`,
    );
  }
  if (!isMunchkinId(c.munchkinId))
    throw new LeadRejected(
      `Lead destination Marketo: the Munchkin id must look like 123-ABC-456 (${CONFIG}.munchkinId).`,
    );
  const formId = marketoFormId(c.formId);
  if (formId === undefined)
    throw new LeadRejected(
      `Lead destination Marketo: the form id must be the form's number, e.g. 1179 (${CONFIG}.formId).`,
    );
  return { base: restBase(c.munchkinId), clientId: c.clientId, clientSecret: c.clientSecret, formId };
}

async function requestToken(a: Account): Promise<IssuedToken> {
  // Marketo's documented form: the credentials in the query string of a GET. The URL is never
  // quoted in a message (callCrm names only `IDENTITY`).
  const query = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: a.clientId,
    client_secret: a.clientSecret,
  });
  const answer = await callCrm(`${a.base}/identity/oauth/token?${query.toString()}`, IDENTITY, {
    method: 'GET',
    headers: { accept: 'application/json' },
  });
  if (isSuccess(answer)) {
    const issued = tokenAnswer(answer.text);
    if (issued) return issued;
    throw new LeadRejected(
      `${IDENTITY} answered HTTP ${answer.status} without an access token: ${answerExcerpt(withoutSecrets(oauthErrorText(answer.text), [a.clientSecret]))} — check the Munchkin id (${CONFIG}.munchkinId).`,
    );
  }
  const failure = crmFailure(IDENTITY, answer, oauthErrorText(answer.text), [a.clientSecret]);
  if (failure instanceof LeadRejected)
    throw new LeadRejected(
      `${failure.message} — check the client id and client secret of the LaunchPoint service (${CONFIG}.clientId, .clientSecret).`,
    );
  throw failure;
}

/**
 * Marketo: a token from the account's Identity service (client credentials of a LaunchPoint custom
 * service), then POST /rest/v1/leads/submitForm.json to the partner's form, which upserts the lead
 * by e-mail and records a "Fill out Form" activity. Marketo answers HTTP 200 for most failures, so
 * the JSON decides: 601/602 (token invalid or expired) gets a fresh token and one more try; rate,
 * quota and concurrency limits are transient; the rest, and a skipped record, are the partner's.
 */
export async function writeMarketoLead(c: MarketoConfig, lead: Lead): Promise<void> {
  const a = accountOf(c);
  const cacheParts = [a.base, a.clientId, a.clientSecret];
  const body = JSON.stringify(marketoSubmitForm(a.formId, lead));
  for (let attempt = 1; ; attempt++) {
    const token = await crmTokens.get(cacheParts, () => requestToken(a));
    const answer = await callCrm(`${a.base}/rest/v1/leads/submitForm.json`, MARKETO, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    if (!isSuccess(answer)) throw crmFailure(MARKETO, answer, answer.text, [a.clientSecret]);
    const outcome = marketoOutcome(answer.text);
    const said = () =>
      `${MARKETO} answered: ${answerExcerpt(withoutSecrets('text' in outcome ? outcome.text : '', [a.clientSecret]))}`;
    switch (outcome.kind) {
      case 'delivered':
        return;
      case 'token':
        crmTokens.drop(cacheParts, token);
        if (attempt === 1) continue;
        throw new LeadRejected(
          `${said()} — a fresh access token was refused too; check the API user's role and the LaunchPoint service (${CONFIG}).`,
        );
      case 'transient':
        throw new LeadDeliveryUnavailable(said());
      case 'rejected':
        if (outcome.record)
          throw new LeadRejected(
            `${said()} — check the form (${CONFIG}.formId): it needs the fields ${MARKETO_FORM_FIELDS.join(', ')}.`,
          );
        throw new LeadRejected(`${said()} — check the Marketo API user and LaunchPoint service (${CONFIG}).`);
    }
  }
}
