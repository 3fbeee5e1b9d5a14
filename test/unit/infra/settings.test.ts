// The app settings the code reads in Azure and the ones infra/app/api.bicep sets must be the same
// set, apart from the documented exceptions below.
import path from 'node:path';
import { INFRA, objectVar, readBicep, ROOT } from './bicep-text';
import { scanApp, scanSource, SettingRead } from './code-settings';

/** Read by the code, deliberately not set in Azure. */
const NOT_SET_IN_AZURE: Record<string, string> = {
  AzureWebJobsStorage:
    'the connection-string form, for local runs on Azurite; Azure uses AzureWebJobsStorage__accountName with the identity',
  DEV_PUBLISHERS: 'seeds development publisher keys; in Azure ops issue keys through the admin endpoints',
  OUTBOUND_ALLOWED_HOSTS: 'lets tests reach local HTTP receivers; in Azure partner URLs must be public https hosts',
  PROVISION_COPY_MODE:
    'page-range copies are for the development storage account; Azure uses the default server-side copy',
  SALESFORCE_WEB_TO_LEAD_URL: 'points Salesforce lead delivery at a local receiver in tests',
  DYNAMICS_AUTHORITY_HOST:
    "Entra ID's authority for Dynamics sign-in; the default is public Azure's (a sovereign cloud or a test stand-in sets it)",
  MARKETO_REST_BASE_URL_TEMPLATE: "points Marketo delivery at a local stand-in in tests; the default is Marketo's own",
  DYNAMICS_PUBLIC_CLIENT_ID:
    "optional: this service's public Entra ID client for the Office 365 sign-in option; unset, that option is refused (README)",
  COMMUNICATION_SERVICES_CONNECTION_STRING:
    'the keyed alternative to COMMUNICATION_SERVICES_ENDPOINT; Azure sends as the identity',
  PUBLISH_RETRY_FIRST_MS: 'retry tuning; the defaults are the ones meant for Azure',
  PUBLISH_RETRY_ATTEMPTS: 'retry tuning; the defaults are the ones meant for Azure',
  LEAD_REQUEUE_AT: 'lead redelivery tuning; the defaults are the ones meant for Azure',
  LEAD_REDELIVERY_DELAY_SECONDS: 'lead redelivery tuning; the defaults are the ones meant for Azure',
  LEAD_TIMEOUT_MS: 'lead delivery timeout tuning; the default is the one meant for Azure',
  CERTIFY_MIN_AGENT_VERSION:
    "the oldest Azure Linux Agent certification accepts; the default is current guidance's (2.2.41), raised when it moves",
  WEBSITE_HOSTNAME: 'set by the platform',
  APP_SERVICE_AUTH_PUBLISHERS:
    'trusts x-ms-client-principal, which is only safe behind App Service Authentication; this template does not configure it, so set both by hand (README)',
};

/** Set in Azure though the app's code does not read them: the platform and its extensions do. */
const PLATFORM_SETTING =
  /^(AzureWebJobsStorage__\w+|APPLICATIONINSIGHTS_\w+|APPINSIGHTS_\w+|FUNCTIONS_\w+|WEBSITE_\w+|AzureFunctionsJobHost__\w+)$/;
const SET_FOR_LATER: Record<string, string> = {
  KEY_VAULT_URI:
    'the vault for lead destination secrets (the identity has Key Vault Secrets User); no code reads it yet',
};

const API_BICEP = path.join(INFRA, 'app', 'api.bicep');
const appSettings = () => objectVar(readBicep(API_BICEP), 'appSettings');
const where = (r: SettingRead) => `${r.file}:${r.line}`;

function codeReads(): Map<string, SettingRead[]> {
  const byName = new Map<string, SettingRead[]>();
  for (const r of scanApp(ROOT).reads) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return byName;
}

test('the scanner finds every way the code reads a setting', () => {
  const source = `
    const a = process.env.ALPHA;
    const b = process.env['BRAVO'] ?? process.env?.["CHARLIE"];
    export function f(env: NodeJS.ProcessEnv = process.env) { return env.DELTA + env['ECHO']; }
    export function g(settings: S = process.env as S) { return settings.FOXTROT ?? settings.camelCaseIsNotASetting; }
    function setting(name: string, fallback: number): number { return Number(process.env[name]) || fallback; }
    setting('GOLF', 1); setting("HOTEL", 2);
    const { INDIA } = process.env;
    // process.env.COMMENTED_OUT is not read
    const url = 'https://example.com/path'; const j = process.env.AzureWebJobsStorage__accountName;
  `;
  const r = scanSource(source, 'x.ts');
  expect([...new Set(r.reads.map((x) => x.name))].sort()).toEqual(
    [
      'ALPHA',
      'AzureWebJobsStorage__accountName',
      'BRAVO',
      'CHARLIE',
      'DELTA',
      'ECHO',
      'FOXTROT',
      'GOLF',
      'HOTEL',
      'INDIA',
    ].sort(),
  );
  expect(r.unresolved).toEqual([]);
  expect(scanSource('const k = "X"; const v = process.env[k];', 'y.ts').unresolved).toHaveLength(1);
});

test('every setting read is found: no dynamic read the scanner cannot resolve', () => {
  const { unresolved } = scanApp(ROOT);
  const lines = unresolved.map(
    (u) => `${where(u)}: ${u.name} — read settings by literal name, or through a helper called with literal names`,
  );
  expect(lines).toEqual([]);
});

test('every setting the code reads in Azure is set by infra/app/api.bicep', () => {
  const set = new Set(appSettings().map((e) => e.key));
  const missing = [...codeReads()]
    .filter(([name]) => !set.has(name) && !(name in NOT_SET_IN_AZURE))
    .map(
      ([name, reads]) =>
        `${name} (read at ${reads.map(where).join(', ')}): set it in appSettings in infra/app/api.bicep, or list it in NOT_SET_IN_AZURE here with the reason`,
    );
  expect(missing).toEqual([]);
});

test('every setting infra/app/api.bicep sets is read by the code or the platform', () => {
  const reads = codeReads();
  const unused = appSettings()
    .filter((e) => !reads.has(e.key) && !PLATFORM_SETTING.test(e.key) && !(e.key in SET_FOR_LATER))
    .map((e) => `${e.key} (infra/app/api.bicep:${e.line}) is set but nothing reads it`);
  expect(unused).toEqual([]);
});

test('settings meant for local runs are never set in Azure', () => {
  const leaked = appSettings()
    .filter((e) => e.key in NOT_SET_IN_AZURE)
    .map((e) => `${e.key} (infra/app/api.bicep:${e.line}): ${NOT_SET_IN_AZURE[e.key]}`);
  expect(leaked).toEqual([]);
});

test('the keyless settings have the values the host and the code expect', () => {
  const s = Object.fromEntries(appSettings().map((e) => [e.key, e.value]));
  for (const name of [
    'AzureWebJobsStorage__accountName',
    'AzureWebJobsStorage__credential',
    'AzureWebJobsStorage__clientId',
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'COMMUNICATION_SERVICES_ENDPOINT',
    'COMMUNICATION_SERVICES_CLIENT_ID',
    'EMAIL_SENDER',
    'PUBLIC_BASE_URL',
    'PROVISION_REGIONS',
    'OPS_ADMIN_KEY',
    'KEY_VAULT_URI',
  ]) {
    expect(s).toHaveProperty([name]);
  }
  expect(s.AzureWebJobsStorage__credential).toBe("'managedidentity'");
  // The one identity everywhere a client id is asked for.
  expect(s.AzureWebJobsStorage__clientId).toBe('identityClientId');
  expect(s.COMMUNICATION_SERVICES_CLIENT_ID).toBe('identityClientId');
  // A Key Vault reference, not the key.
  expect(s.OPS_ADMIN_KEY).toMatch(
    /^'@Microsoft\.KeyVault\(SecretUri=\$\{keyVaultUri\}secrets\/\$\{opsAdminKeySecretName\}\)'$/,
  );
  // Flex Consumption takes the runtime from functionAppConfig and refuses these settings.
  for (const refused of [
    'FUNCTIONS_WORKER_RUNTIME',
    'FUNCTIONS_EXTENSION_VERSION',
    'WEBSITE_RUN_FROM_PACKAGE',
    'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  ])
    expect(s).not.toHaveProperty([refused]);
  // Never a connection string with a key.
  expect(s).not.toHaveProperty(['AzureWebJobsStorage']);
});

test('the exceptions name only settings infra does or does not set as they claim', () => {
  const set = new Set(appSettings().map((e) => e.key));
  for (const name of Object.keys(SET_FOR_LATER))
    expect(set.has(name) ? name : `${name} is listed in SET_FOR_LATER but not set`).toBe(name);
});
