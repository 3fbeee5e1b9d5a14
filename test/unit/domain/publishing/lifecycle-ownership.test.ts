// "Only the lifecycle module constructs step statuses": with the TypeScript checker over the app's
// source, every object literal typed as a publish status or a step's state, and every use of the
// lifecycle's low-level constructors, must be inside domain/publishing/lifecycle.ts. A new module
// that builds a status by hand (a copy of neverPublished, a spread with a new status) fails here.
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');
const LIFECYCLE = path.join(ROOT, 'domain/publishing/lifecycle.ts');
const STATUS = path.join(ROOT, 'domain/publishing/status.ts');
const APP = ['functions', 'orchestrators', 'activities', 'adapters', 'domain', 'tools'];
const LOW_LEVEL = new Set(['applyStepChange', 'initialSteps']);
const STATUS_TYPES = new Set(['PublishStatus', 'StepState']);

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const files = config.fileNames.filter((f) =>
    APP.some((dir) => path.resolve(f).startsWith(path.join(ROOT, dir) + path.sep)),
  );
  return ts.createProgram(files, { ...config.options, noEmit: true });
}

/** The status types (declared in status.ts) an object literal is built as, if any. */
function statusTypeOf(checker: ts.TypeChecker, node: ts.ObjectLiteralExpression): string | undefined {
  const candidates = [checker.getContextualType(node), checker.getTypeAtLocation(node)];
  for (const t of candidates) {
    for (const part of t ? (t.isUnion() ? t.types : [t]) : []) {
      const sym = part.aliasSymbol ?? part.getSymbol();
      const decl = sym?.declarations?.[0];
      if (sym && STATUS_TYPES.has(sym.name) && decl && path.resolve(decl.getSourceFile().fileName) === STATUS)
        return sym.name;
    }
  }
  // A literal whose own properties are exactly those of a status type, however it is typed.
  const own = checker
    .getTypeAtLocation(node)
    .getProperties()
    .map((p) => p.name)
    .sort()
    .join(',');
  if (own === 'id,messages,progressPercentage,status') return 'StepState';
  if (own.includes('publishingVersion') && own.includes('signoff') && own.includes('steps')) return 'PublishStatus';
  return undefined;
}

interface Finding {
  file: string;
  line: number;
  what: string;
}

function findings(): Finding[] {
  const p = program();
  const checker = p.getTypeChecker();
  const out: Finding[] = [];
  for (const sf of p.getSourceFiles()) {
    const file = path.resolve(sf.fileName);
    if (sf.isDeclarationFile || file === LIFECYCLE || !APP.some((d) => file.startsWith(path.join(ROOT, d) + path.sep)))
      continue;
    const at = (n: ts.Node, what: string) =>
      out.push({
        file: path.relative(ROOT, file),
        line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1,
        what,
      });
    const visit = (n: ts.Node): void => {
      if (ts.isObjectLiteralExpression(n)) {
        const t = statusTypeOf(checker, n);
        if (t) at(n, `builds a ${t}`);
      }
      if (ts.isIdentifier(n) && LOW_LEVEL.has(n.text)) {
        let sym = checker.getSymbolAtLocation(n);
        if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
        const decl = sym?.declarations?.[0];
        if (decl && path.resolve(decl.getSourceFile().fileName) === LIFECYCLE) at(n, `uses ${n.text}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

test('only domain/publishing/lifecycle.ts constructs a publish status or a step state', () => {
  expect(findings()).toEqual([]);
});

test('the check sees a hand-built status (a probe module)', () => {
  const probe = path.join(ROOT, 'functions', '__status_probe__.ts');
  const source = [
    "import type { PublishStatus } from '../domain/publishing/status';",
    "import { initialSteps } from '../domain/publishing/lifecycle';",
    "export const cancelled = (s: PublishStatus): PublishStatus => ({ ...s, status: 'canceled', steps: initialSteps() });",
    "export const step = { id: 'live', status: 'complete', progressPercentage: 100, messages: [] };",
  ].join('\n');
  const host = ts.createCompilerHost({});
  const read = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === probe ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === probe || exists(f);
  const p = ts.createProgram([probe], { strict: true, noEmit: true, types: [] }, host);
  const checker = p.getTypeChecker();
  const sf = p.getSourceFile(probe)!;
  const seen: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) seen.push(statusTypeOf(checker, n) ?? 'other');
    if (ts.isIdentifier(n) && LOW_LEVEL.has(n.text)) seen.push(`uses ${n.text}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  expect(seen).toEqual(expect.arrayContaining(['PublishStatus', 'StepState', 'uses initialSteps']));
});
