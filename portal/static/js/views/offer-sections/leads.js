// @ts-check
// Lead management: where customer leads go, and that destination's configuration.
import { h } from '../../dom.js';
import { field, holder, lazy, MP, textOf } from '../form-kit.js';

/**
 * @typedef {import('../form-kit.js').FieldRegistry} FieldRegistry
 * @typedef {import('../form-kit.js').FieldSpec} FieldSpec
 * @typedef {import('../form-kit.js').Obj} Obj
 * @typedef {import('../form-kit.js').Path} Path
 */

const LEAD_DESTINATIONS = [
  ['', 'Not set'],
  ['None', 'None (no lead generation)'],
  ['AzureTable', 'Azure Table'],
  ['HttpsEndpoint', 'HTTPS endpoint'],
  ['Salesforce', 'Salesforce'],
  ['Dynamics', 'Dynamics 365'],
  ['Marketo', 'Marketo'],
];

/**
 * @param {Obj} offer
 * @param {FieldRegistry} reg
 * @param {() => void} onChange
 * @param {{ hasStoredSecrets: boolean }} options
 */
export function leadSection(offer, reg, onChange, options) {
  const at = (/** @type {string} */ config, /** @type {string} */ key) => () =>
    /** @type {Path} */ (['definition', 'offer', MP + config, key]);
  const secretHint = options.hasStoredSecrets
    ? 'Stored secrets are never shown; leave this blank to keep the stored value.'
    : 'Write-only: it is never shown again once saved.';
  /** @param {string} config @param {string} key @param {string} label @param {Partial<FieldSpec>} [extra] */
  const cfg = (config, key, label, extra = {}) =>
    field(
      reg,
      {
        label,
        path: at(config, key),
        ...textOf(
          lazy(
            holder(() => offer),
            MP + config,
          ),
          key,
        ),
        ...extra,
      },
      onChange,
    );
  const panels = /** @type {Record<string, HTMLElement>} */ ({
    AzureTable: h(
      'div',
      {},
      cfg('tableLeadConfiguration', 'connectionString', 'Storage account connection string', {
        kind: 'password',
        required: true,
        hint: `Leads are written to the table MarketplaceLeads. ${secretHint}`,
        autocomplete: 'new-password',
      }),
    ),
    // The URL usually carries its access token and the OID lets anyone write leads: both are secrets.
    HttpsEndpoint: h(
      'div',
      {},
      cfg('httpsEndpointLeadConfiguration', 'httpsEndpointUrl', 'HTTPS endpoint URL', {
        kind: 'password',
        required: true,
        hint: `Leads are POSTed here as JSON. ${secretHint}`,
        autocomplete: 'new-password',
      }),
    ),
    Salesforce: h(
      'div',
      {},
      cfg('salesForceLeadConfiguration', 'objectIdentifier', 'Web-to-Lead organisation id (OID)', {
        kind: 'password',
        required: true,
        hint: secretHint,
        autocomplete: 'new-password',
      }),
    ),
    Dynamics: h(
      'div',
      {},
      h(
        'p',
        { class: 'hint' },
        'Leads are created in your Dynamics 365 instance through its Web API; the application user needs the Microsoft Marketplace Lead Writer role.',
      ),
      cfg('dynamicsLeadConfiguration', 'instanceUrl', 'Instance URL', {
        kind: 'url',
        required: true,
        hint: 'https, the instance only, e.g. https://contoso.crm4.dynamics.com',
      }),
      cfg('dynamicsLeadConfiguration', 'authentication', 'Authentication', {
        kind: 'select',
        options: [
          ['', 'Azure Active Directory (default)'],
          ['Azure Active Directory', 'Azure Active Directory'],
          ['Office 365', 'Office 365'],
        ],
      }),
      cfg('dynamicsLeadConfiguration', 'applicationId', 'Application (client) id', {
        hint: 'Azure Active Directory: the app registration.',
      }),
      cfg('dynamicsLeadConfiguration', 'directoryId', 'Directory (tenant) id'),
      cfg('dynamicsLeadConfiguration', 'applicationKey', 'Application key (client secret)', {
        kind: 'password',
        hint: secretHint,
        autocomplete: 'new-password',
      }),
      cfg('dynamicsLeadConfiguration', 'username', 'User name', { hint: 'Office 365 only.' }),
      cfg('dynamicsLeadConfiguration', 'password', 'Password', {
        kind: 'password',
        hint: secretHint,
        autocomplete: 'new-password',
      }),
    ),
    Marketo: h(
      'div',
      {},
      h(
        'p',
        { class: 'hint' },
        'Leads are submitted to your Marketo form through the REST API (a LaunchPoint custom service gives the client id and secret).',
      ),
      cfg('marketoLeadConfiguration', 'munchkinId', 'Munchkin id', { required: true, hint: 'E.g. 123-ABC-456.' }),
      cfg('marketoLeadConfiguration', 'formId', 'Form id', { required: true }),
      cfg('marketoLeadConfiguration', 'clientId', 'Client id', { required: true }),
      cfg('marketoLeadConfiguration', 'serverId', 'Server id', { hint: 'Kept for older forms; not needed.' }),
      cfg('marketoLeadConfiguration', 'clientSecret', 'Client secret', {
        kind: 'password',
        hint: secretHint,
        autocomplete: 'new-password',
      }),
    ),
  });
  const show = () => {
    for (const [k, panel] of Object.entries(panels)) panel.hidden = offer[MP + 'leadDestination'] !== k;
  };
  const destination = field(
    reg,
    {
      label: 'Lead destination',
      kind: 'select',
      options: LEAD_DESTINATIONS,
      hint: 'Where customer leads go. At publish time a test lead (MSFT_TEST_…) is sent there.',
      path: () => ['definition', 'offer', MP + 'leadDestination'],
      ...textOf(() => offer, MP + 'leadDestination'),
    },
    () => {
      show();
      onChange();
    },
  );
  show();
  return h(
    'section',
    { class: 'form-section', 'aria-labelledby': 'sec-leads' },
    h('h2', { id: 'sec-leads' }, 'Lead management'),
    destination,
    ...Object.values(panels),
  );
}
