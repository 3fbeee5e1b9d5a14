// Finds the app settings the app's code reads, by scanning its source: `process.env.X`,
// `process.env['X']`, `env.X`, reads through a name bound to process.env (`settings = process.env`
// → `settings.X`), and helpers that read `process.env[name]` called with a literal (`setting('X', 1)`).
// A dynamic read it cannot resolve is reported, so a setting never slips past unseen.
import fs from 'node:fs';
import path from 'node:path';

/** Folders that run in Azure; devhost/, test/, bench/ and tools/ do not. */
export const APP_FOLDERS = ['functions', 'orchestrators', 'activities', 'adapters', 'domain'];

export interface SettingRead {
  name: string;
  file: string;
  line: number;
}

export interface ScanResult {
  reads: SettingRead[];
  /** Dynamic reads (`process.env[expr]`) whose setting names could not be determined. */
  unresolved: SettingRead[];
}

/** Names that look like settings (not camelCase properties): UPPER_SNAKE, AzureWebJobs…, X__y. */
export function looksLikeSetting(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) || /^AzureWebJobs\w*$/.test(name) || /^[A-Za-z]\w*__\w+$/.test(name);
}

/** Comments out, string and code kept (a `//` inside a URL string is not a comment). */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function scanSource(source: string, file: string): ScanResult {
  const code = stripComments(source);
  const reads: SettingRead[] = [];
  const unresolved: SettingRead[] = [];
  const lineAt = (offset: number) => code.slice(0, offset).split('\n').length;
  const add = (name: string, offset: number) => {
    if (looksLikeSetting(name)) reads.push({ name, file, line: lineAt(offset) });
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => void) => {
    for (let m = re.exec(code); m; m = re.exec(code)) fn(m);
  };

  // Names that stand for process.env in this file: `env` always (the brief's convention), and
  // anything bound to it: `(env: NodeJS.ProcessEnv = process.env)`, `settings = process.env as S`,
  // `const e = process.env`.
  const aliases = new Set(['env']);
  each(/\b([A-Za-z_$][\w$]*)\s*(?::\s*[^=;,()]+?)?\s*=\s*process\.env\b(?!\s*[.[])/g, (m) => aliases.add(m[1]));
  // `const { A, B: b } = process.env`
  each(/\{([^{}]*)\}\s*=\s*process\.env\b(?!\s*[.[])/g, (m) => {
    for (const part of m[1].split(',')) {
      const name = part.split(':')[0].trim();
      if (name) add(name, m.index);
    }
  });

  for (const base of ['process\\.env', ...[...aliases].map((a) => `(?<![\\w$.])${a.replace(/\$/g, '\\$')}`)]) {
    each(new RegExp(`${base}\\??\\.([A-Za-z_$][\\w$]*)`, 'g'), (m) => add(m[1], m.index));
    each(new RegExp(`${base}\\??\\.?\\[\\s*(['"\`])([^'"\`$]+)\\1\\s*\\]`, 'g'), (m) => add(m[2], m.index));
    // A dynamic read: resolved through the helper it sits in, called with literal names.
    each(new RegExp(`${base}\\??\\.?\\[\\s*([A-Za-z_$][\\w$]*)\\s*\\]`, 'g'), (m) => {
      const param = m[1];
      const helper = enclosingHelper(code, m.index, param);
      const calls = helper
        ? [...code.matchAll(new RegExp(`(?<![\\w$.])${helper}\\(\\s*(['"\`])([^'"\`$]+)\\1`, 'g'))]
        : [];
      if (calls.length === 0) unresolved.push({ name: `${m[0]}`, file, line: lineAt(m.index) });
      for (const c of calls) add(c[2], c.index);
    });
  }
  return { reads, unresolved };
}

/** The function around `offset` that takes `param` as its first parameter, if any. */
function enclosingHelper(code: string, offset: number, param: string): string | undefined {
  const before = code.slice(0, offset);
  const patterns = [
    new RegExp(`function\\s+([A-Za-z_$][\\w$]*)\\s*(?:<[^>]*>)?\\(\\s*${param}\\b`, 'g'),
    new RegExp(`(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*(?:async\\s*)?\\(\\s*${param}\\b`, 'g'),
  ];
  let best: { name: string; at: number } | undefined;
  for (const re of patterns)
    for (const m of before.matchAll(re)) if (!best || m.index > best.at) best = { name: m[1], at: m.index };
  return best?.name;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(path.join(dir, e.name))
        : /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    );
}

export function scanApp(root: string): ScanResult {
  const result: ScanResult = { reads: [], unresolved: [] };
  for (const folder of APP_FOLDERS) {
    for (const file of sourceFiles(path.join(root, folder))) {
      const r = scanSource(fs.readFileSync(file, 'utf8'), path.relative(root, file));
      result.reads.push(...r.reads);
      result.unresolved.push(...r.unresolved);
    }
  }
  return result;
}
