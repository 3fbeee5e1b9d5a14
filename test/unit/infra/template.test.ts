// Offline checks of the azd template (no Bicep compiler can be installed here): module references,
// parameters, pinned Azure Verified Modules, keyless configuration, role assignment names, names
// from the resource token, outputs, azure.yaml.
import fs from 'node:fs';
import path from 'node:path';
import {
  bicepFiles,
  closing,
  declarations,
  INFRA,
  lineOf,
  mask,
  objectEntries,
  readBicep,
  ROOT,
  usesIdentifier,
} from './bicep-text';

const MAIN = path.join(INFRA, 'main.bicep');
const rel = (f: string) => path.relative(ROOT, f);
const files = () => bicepFiles().map(readBicep);
const main = () => readBicep(MAIN);
const decl = (kind: string, f = main()) => declarations(f).filter((d) => d.kind === kind);

test('the template is where azd looks for it', () => {
  for (const f of ['infra/main.bicep', 'infra/main.parameters.json', 'infra/abbreviations.json', 'azure.yaml'])
    expect(fs.existsSync(path.join(ROOT, f)) ? f : `${f} is missing`).toBe(f);
  expect(main().text).toMatch(/^targetScope\s*=\s*'subscription'/m);
});

test('every local module exists and every registry module is a pinned Azure Verified Module', () => {
  const problems: string[] = [];
  for (const f of files()) {
    for (const m of declarations(f).filter((d) => d.kind === 'module')) {
      const where = `${rel(f.file)}:${m.line} module ${m.name}`;
      if (m.type.startsWith('br/public:') || m.type.startsWith('br:')) {
        if (!/^br\/public:avm\/(res|ptn|utl)\/[a-z0-9-]+(\/[a-z0-9-]+)+:\d+\.\d+\.\d+$/.test(m.type))
          problems.push(`${where}: '${m.type}' is not an Azure Verified Module pinned to an exact version`);
      } else if (!fs.existsSync(path.resolve(path.dirname(f.file), m.type)))
        problems.push(`${where}: '${m.type}' does not exist`);
    }
  }
  expect(problems).toEqual([]);
});

test('every parameter is described and used', () => {
  const problems: string[] = [];
  for (const f of files()) {
    for (const p of decl('param', f)) {
      const where = `${rel(f.file)}:${p.line} param ${p.name}`;
      if (!/@description\(/.test(p.decorators)) problems.push(`${where}: no @description`);
      const own = { from: p.at, to: p.at + p.source.split('\n')[0].length };
      if (!usesIdentifier(f.code, p.name, own)) problems.push(`${where}: never used`);
    }
    for (const v of decl('var', f)) {
      const own = { from: v.at, to: v.at + `var ${v.name}`.length };
      if (!usesIdentifier(f.code, v.name, own)) problems.push(`${rel(f.file)}:${v.line} var ${v.name}: never used`);
    }
  }
  expect(problems).toEqual([]);
});

test('every parameter a module declares without a default is passed by its caller, and nothing else is', () => {
  const problems: string[] = [];
  for (const f of files()) {
    for (const m of declarations(f).filter((d) => d.kind === 'module' && !d.type.startsWith('br'))) {
      const target = readBicep(path.resolve(path.dirname(f.file), m.type));
      const params = decl('param', target);
      const open = f.code.indexOf('{', f.code.indexOf('params:', m.at));
      const passed = new Set(objectEntries(f, open).map((e) => e.key));
      for (const p of params)
        if (!/=/.test(p.source.split('\n')[0]) && !passed.has(p.name))
          problems.push(`${rel(f.file)} module ${m.name}: required parameter ${p.name} of ${m.type} is not passed`);
      for (const k of passed)
        if (!params.some((p) => p.name === k))
          problems.push(`${rel(f.file)} module ${m.name}: ${m.type} has no parameter ${k}`);
    }
  }
  expect(problems).toEqual([]);
});

test('main.parameters.json feeds main.bicep from the azd environment', () => {
  const json = JSON.parse(fs.readFileSync(path.join(INFRA, 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, { value: unknown }>;
  };
  const params = decl('param');
  expect(json.parameters.environmentName.value).toBe('${AZURE_ENV_NAME}');
  expect(json.parameters.location.value).toBe('${AZURE_LOCATION}');
  for (const name of Object.keys(json.parameters))
    expect(params.some((p) => p.name === name) ? name : `main.bicep has no param ${name}`).toBe(name);
  for (const p of params) if (!/=/.test(p.source.split('\n')[0])) expect(name(p.name, json.parameters)).toBe(p.name);
  // The ops key comes back from the vault the template itself outputs.
  expect(json.parameters.opsAdminKey.value).toMatch(
    /^\$\(secretOrRandomPassword \$\{AZURE_KEY_VAULT_NAME\} ops-admin-key\)$/,
  );
  expect(decl('output').map((o) => o.name)).toContain('AZURE_KEY_VAULT_NAME');
  expect(main().text).toMatch(/opsAdminKeySecretName = 'ops-admin-key'/);
});

function name(p: string, parameters: Record<string, unknown>): string {
  return p in parameters ? p : `required param ${p} is not in main.parameters.json`;
}

test('no account keys anywhere: no list*() calls, no connection strings with keys, shared keys off', () => {
  const problems: string[] = [];
  for (const f of files()) {
    for (const m of f.code.matchAll(/\blist[A-Z]?\w*\s*\(/g))
      problems.push(`${rel(f.file)}:${lineOf(f.text, m.index)}: ${m[0]} reads keys or secrets into the deployment`);
    for (const m of f.text.matchAll(
      /AccountKey=|SharedAccessSignature=|accesskey=|allowSharedKeyAccess:\s*true|\bsig=/gi,
    ))
      problems.push(`${rel(f.file)}:${lineOf(f.text, m.index)}: ${m[0]}`);
  }
  expect(problems).toEqual([]);
  expect(main().text).toMatch(/allowSharedKeyAccess:\s*false/);
  expect(main().text).toMatch(/disableLocalAuth:\s*true/);
});

/** Parameters whose names sound secret but whose values are not credentials. */
const NOT_SECRET: Record<string, string> = {
  applicationInsightsConnectionString:
    'an instrumentation key and ingestion endpoints; with local auth off it grants nothing',
  opsAdminKeySecretName: 'the name of the secret, not its value',
};

test('no hard-coded secrets: secret parameters are @secure() without defaults and never output', () => {
  const problems: string[] = [];
  for (const f of files()) {
    const params = decl('param', f);
    for (const p of params) {
      const secretLike = /(key|secret|password|connectionString|token)$/i.test(p.name) && !(p.name in NOT_SECRET);
      const secure = /@secure\(\)/.test(p.decorators);
      if (secretLike && !secure)
        problems.push(`${rel(f.file)}:${p.line} param ${p.name} looks like a secret but is not @secure()`);
      if (secure && /=/.test(p.source.split('\n')[0]))
        problems.push(`${rel(f.file)}:${p.line} @secure() param ${p.name} has a default value`);
      if (secure)
        for (const o of decl('output', f))
          if (usesIdentifier(f.code.slice(o.at, o.at + o.source.length), p.name))
            problems.push(`${rel(f.file)}:${o.line} output ${o.name} exposes ${p.name}`);
    }
    // Literal strings that look like keys: long base64 runs mixing digits and both cases.
    const keyLike = (s: string) =>
      [...s.matchAll(/[A-Za-z0-9+/]{32,}={0,2}/g)].some(
        ([run]) => /\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run),
      );
    for (const m of f.text.matchAll(/'([^'\n]*)'/g))
      if (keyLike(m[1])) problems.push(`${rel(f.file)}:${lineOf(f.text, m.index)}: a string literal looks like a key`);
  }
  expect(problems).toEqual([]);
});

test('role assignments are named with guid(), and the storage roles are one loop with the three data roles', () => {
  const problems: string[] = [];
  for (const f of files()) {
    for (const r of declarations(f).filter(
      (d) => d.kind === 'resource' && /^Microsoft\.Authorization\/role(Assignments|Definitions)@/.test(d.type),
    )) {
      const open = f.code.indexOf('{', f.code.indexOf('=', r.at));
      const name = objectEntries(f, open).find((e) => e.key === 'name');
      if (!name || !/^guid\(/.test(name.value))
        problems.push(
          `${rel(f.file)}:${r.line} ${r.name}: name must be guid(scope, principal, role), is ${name?.value}`,
        );
    }
  }
  expect(problems).toEqual([]);

  const rbac = readBicep(path.join(INFRA, 'app', 'rbac.bicep'));
  const roles = {
    'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  };
  for (const id of Object.values(roles)) expect(rbac.text.split(id).length - 1).toBe(1);
  const appStorage = declarations(rbac).find((d) => d.name === 'appStorageRoles')!;
  expect(appStorage.source).toMatch(/=\s*\[\s*for\s+role\s+in\s+storageRoles\s*:/);
  expect(appStorage.source).toMatch(/scope:\s*storage\b/);
  expect(appStorage.source).toMatch(/principalId:\s*appPrincipalId/);
  // The vault grants the app Key Vault Secrets User (AVM names that assignment with guid()).
  expect(main().text).toMatch(
    /roleDefinitionIdOrName: 'Key Vault Secrets User'\s+principalId: identity\.outputs\.principalId/,
  );
  expect(main().text).toMatch(/enableRbacAuthorization:\s*true/);
});

test('resource names come from the abbreviations and the resource token', () => {
  const f = main();
  const abbrs = JSON.parse(fs.readFileSync(path.join(INFRA, 'abbreviations.json'), 'utf8')) as Record<string, string>;
  expect(f.text).toMatch(
    /var resourceToken = toLower\(uniqueString\(subscription\(\)\.id, environmentName, location\)\)/,
  );
  expect(f.text).toMatch(/var abbrs = loadJsonContent\('abbreviations\.json'\)/);
  for (const m of f.text.matchAll(/abbrs\.(\w+)/g))
    expect(m[1] in abbrs ? m[1] : `abbreviations.json has no ${m[1]}`).toBe(m[1]);

  const vars = new Map(decl('var', f).map((v) => [v.name, v.source]));
  const fromToken = (expr: string, seen = new Set<string>()): boolean => {
    if (/\bresourceToken\b/.test(expr)) return true;
    for (const [name, source] of vars)
      if (
        !seen.has(name) &&
        new RegExp(`\\b${name}\\b`).test(expr) &&
        fromToken(source.replace(/^var\s+\w+\s*=/, ''), new Set([...seen, name]))
      )
        return true;
    return false;
  };
  const problems: string[] = [];
  for (const m of decl('module', f)) {
    const open = f.code.indexOf('{', f.code.indexOf('params:', m.at));
    const entries = objectEntries(f, open);
    // A module's own resources: `name`, or for local modules that create several, their *Name params.
    const own = entries.filter((e) => e.key === 'name' || (m.name === 'communication' && /Name$/.test(e.key)));
    for (const e of own)
      if (!fromToken(e.value) || !/abbrs\.\w+/.test(e.value + (vars.get(e.value) ?? '')))
        problems.push(
          `main.bicep:${e.line} module ${m.name} ${e.key}: ${e.value} does not come from abbrs and resourceToken`,
        );
  }
  expect(problems).toEqual([]);
  // The resource group follows azd's convention, rg-<environment>.
  expect(f.text).toMatch(/name: '\$\{abbrs\.resourcesResourceGroups\}\$\{environmentName\}'/);
});

test('azd tags: the environment on everything, the service on the function app', () => {
  expect(main().text).toMatch(/var tags = \{\s*'azd-env-name': environmentName\s*\}/);
  const rg = declarations(main()).find(
    (d) => d.kind === 'resource' && d.type.startsWith('Microsoft.Resources/resourceGroups@'),
  )!;
  expect(rg.source).toMatch(/tags: tags/);
  const api = readBicep(path.join(INFRA, 'app', 'api.bicep'));
  expect(api.text).toMatch(/tags: union\(tags, \{\s*'azd-service-name': 'api'\s*\}\)/);
});

test('the function app runs on Flex Consumption, Node 20, from a blob container, as the user-assigned identity', () => {
  const api = readBicep(path.join(INFRA, 'app', 'api.bicep')).text;
  expect(api).toMatch(/kind: 'functionapp,linux'/);
  expect(api).toMatch(/runtime: \{\s*name: 'node'\s*version: '20'\s*\}/);
  expect(api).toMatch(/type: 'blobContainer'/);
  expect(api).toMatch(/type: 'UserAssignedIdentity'/);
  expect(api).toMatch(/keyVaultAccessIdentityResourceId: identityId/);
  expect(main().text).toMatch(/name: 'FC1'\s+tier: 'FlexConsumption'/);
  // Durable on Storage needs tables and queues: never switched off.
  expect(main().text).toMatch(/queueServices: \{/);
  expect(main().text).toMatch(/tableServices: \{/);
  expect(main().text).not.toMatch(/(queue|table)Services:\s*\{\s*\}/);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  expect(pkg.engines?.node).toMatch(/20/);
});

test('outputs are UPPER_SNAKE and include what azd and the README use', () => {
  const outputs = decl('output').map((o) => o.name);
  for (const o of outputs) expect(o).toMatch(/^[A-Z][A-Z0-9_]*$/);
  for (const o of [
    'AZURE_LOCATION',
    'AZURE_TENANT_ID',
    'AZURE_RESOURCE_GROUP',
    'AZURE_FUNCTION_APP_NAME',
    'SERVICE_API_NAME',
    'SERVICE_API_URI',
    'AZURE_KEY_VAULT_NAME',
    'AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME',
  ])
    expect(outputs).toContain(o);
});

test('azure.yaml names one service api: TypeScript on Azure Functions, built from the root', () => {
  const yaml = fs.readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8');
  const services = /^services:\n((?:[ \t]+.*\n?|\n)*)/m.exec(yaml)?.[1] ?? '';
  expect([...services.matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1])).toEqual(['api']);
  expect(services).toMatch(/^ {4}project: \.\s*$/m);
  expect(services).toMatch(/^ {4}language: ts\s*$/m);
  expect(services).toMatch(/^ {4}host: function\s*$/m);
  for (const m of yaml.matchAll(/run: (\S+)/g)) {
    const script = path.join(ROOT, m[1]);
    expect(fs.existsSync(script) ? m[1] : `${m[1]} is missing`).toBe(m[1]);
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
  }
});

test('the postdeploy hook subscribes a blob trigger the app really registers', () => {
  const hook = fs.readFileSync(path.join(INFRA, 'hooks', 'postdeploy.sh'), 'utf8');
  const fn = /^FUNCTION=(\w+)$/m.exec(hook)![1];
  const container = /^CONTAINER=([\w-]+)$/m.exec(hook)![1];
  const sources = fs
    .readdirSync(path.join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'functions', f), 'utf8'));
  const registration = sources
    .map((s) => new RegExp(`app\\.storageBlob\\(\\s*'${fn}'[\\s\\S]*?\\n\\}\\);`).exec(s)?.[0])
    .find(Boolean);
  expect(registration ?? `no blob trigger named ${fn} in functions/`).toMatch(/storageBlob/);
  expect(sources.join('\n')).toMatch(new RegExp(`['\`]${container}['/\`]`));
  // Every azd variable the hook needs is an output of main.bicep.
  const outputs = decl('output').map((o) => o.name);
  for (const m of hook.matchAll(/\$\{(AZURE_\w+|SERVICE_\w+):\?/g)) expect(outputs).toContain(m[1]);
});

test('the bracket reader handles strings, interpolations and comments', () => {
  const text = "var x = {\n  a: 'b{'\n  // c: {\n  'd.e': '${f({ g: 1 })}}'\n  h: {\n    i: 1\n  }\n}\n";
  const f = { file: 'x.bicep', text, code: mask(text) };
  const open = f.code.indexOf('{');
  expect(closing(f.code, open)).toBe(f.text.trimEnd().length);
  expect(objectEntries(f, open).map((e) => [e.key, e.value])).toEqual([
    ['a', "'b{'"],
    ['d.e', "'${f({ g: 1 })}}'"],
    ['h', '{\n    i: 1\n  }'],
  ]);
});
