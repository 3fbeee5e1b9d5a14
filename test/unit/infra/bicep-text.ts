// A small, tolerant reader of Bicep text, enough to check the templates offline (no Bicep compiler
// can be installed here): comments and string contents are masked so braces and keywords are found
// only in code, with every offset kept so values can be read back from the original text.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const INFRA = path.join(ROOT, 'infra');

export interface BicepFile {
  file: string;
  text: string;
  /** The text with comments blanked and string contents replaced by `_` (quotes and offsets kept). */
  code: string;
}

export function readBicep(file: string): BicepFile {
  const text = fs.readFileSync(file, 'utf8');
  return { file, text, code: mask(text) };
}

export function bicepFiles(dir = INFRA): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? bicepFiles(path.join(dir, e.name)) : e.name.endsWith('.bicep') ? [path.join(dir, e.name)] : [],
    );
}

export function mask(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number, ch: (c: string) => string) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ch(out[k]);
  };
  // Returns the index just past the string starting at `i` (a `'`), masking its literal parts;
  // `${…}` interpolations stay visible, as they are code.
  const string = (i: number): number => {
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end < 0 ? text.length : end + 3;
      blank(i + 3, stop - 3, () => '_');
      return stop;
    }
    let j = i + 1;
    while (j < text.length && text[j] !== "'") {
      if (text[j] === '\\') {
        blank(j, j + 2, () => '_');
        j += 2;
      } else if (text.startsWith('${', j)) j = interpolation(j + 2);
      else {
        blank(j, j + 1, () => '_');
        j++;
      }
    }
    return j + 1;
  };
  // Returns the index just past the `}` closing an interpolation whose expression starts at `i`.
  const interpolation = (i: number): number => {
    let depth = 1;
    let j = i;
    while (j < text.length && depth > 0) {
      if (text[j] === "'") j = string(j);
      else {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
        j++;
      }
    }
    return j;
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop, () => ' ');
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop, () => ' ');
      i = stop;
    } else if (text[i] === "'") i = string(i);
    else i++;
  }
  return out.join('');
}

/** Index just past the bracket that closes the one at `open` (`{` or `[`), in masked code. */
export function closing(code: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error(`unbalanced bracket at offset ${open}`);
}

export interface Entry {
  key: string;
  /** The value's source text (trimmed), e.g. `'managedidentity'` or `identityClientId`. */
  value: string;
  line: number;
}

/** The top-level `key: value` entries of the object literal whose `{` is at `open`. */
export function objectEntries(f: BicepFile, open: number): Entry[] {
  const end = closing(f.code, open);
  const entries: Entry[] = [];
  let depth = 0;
  let lineStart = open + 1;
  for (let i = open + 1; i < end - 1; i++) {
    const c = f.code[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === '\n') lineStart = i + 1;
    if (depth !== 0 || i !== lineStart) continue;
    const m = /^[ \t]*('_*'|[A-Za-z_][\w]*)[ \t]*:/.exec(f.code.slice(i, end));
    if (!m) continue;
    const keyStart = i + m[0].indexOf(m[1]);
    const key = f.text.slice(keyStart, keyStart + m[1].length).replace(/^'|'$/g, '');
    // The value runs to the end of the line, or to the close of a bracket opened on it.
    const valueStart = i + m[0].length;
    let j = valueStart;
    let d = 0;
    for (; j < end - 1; j++) {
      const ch = f.code[j];
      if (ch === '{' || ch === '[' || ch === '(') d++;
      else if (ch === '}' || ch === ']' || ch === ')') d--;
      else if (ch === '\n' && d === 0) break;
    }
    entries.push({ key, value: f.text.slice(valueStart, j).trim(), line: lineOf(f.text, keyStart) });
  }
  return entries;
}

/** Entries of `var <name> = { … }`. */
export function objectVar(f: BicepFile, name: string): Entry[] {
  const m = new RegExp(`\\bvar\\s+${name}\\s*=\\s*\\{`).exec(f.code);
  if (!m) throw new Error(`${path.relative(ROOT, f.file)}: no object var ${name}`);
  return objectEntries(f, m.index + m[0].length - 1);
}

export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

export interface Declaration {
  kind: 'param' | 'var' | 'output' | 'resource' | 'module';
  name: string;
  /** For resources and modules: the type or module reference. For params and outputs: the type. */
  type: string;
  /** Decorators written just above the declaration. */
  decorators: string;
  /** Offset of the declaration keyword. */
  at: number;
  /** Source text from the keyword to the end of the declaration (its whole body). */
  source: string;
  line: number;
}

export function declarations(f: BicepFile): Declaration[] {
  const out: Declaration[] = [];
  const re = /^(param|var|output|resource|module)\s+([A-Za-z_]\w*)\s+(?:('_*')|([^\s=]+(?:\s+existing)?))?/gm;
  for (let m = re.exec(f.code); m; m = re.exec(f.code)) {
    const kind = m[1] as Declaration['kind'];
    const typeStart = m.index + m[0].length - (m[3] ?? m[4] ?? '').length;
    const type = m[3] ? f.text.slice(typeStart + 1, typeStart + m[3].length - 1) : (m[4] ?? '');
    // The body ends at the next top-level declaration (or decorator), or at the end of the file.
    const next = /^(param|var|output|resource|module|targetScope|@|type|import|func|metadata)\b/gm;
    next.lastIndex = m.index + m[0].length;
    const n = next.exec(f.code);
    const end = n ? n.index : f.code.length;
    // Decorators directly above (possibly multi-line, e.g. @allowed([...]) or @metadata({...})).
    const above = f.text.slice(0, m.index).split('\n');
    above.pop();
    const block: string[] = [];
    for (let k = above.length - 1; k >= 0 && /^(@|\s+\S|[\])}])/.test(above[k]); k--) block.unshift(above[k]);
    const first = block.findIndex((l) => l.startsWith('@'));
    const decorators = first < 0 ? '' : block.slice(first).join('\n');
    out.push({
      kind,
      name: m[2],
      type,
      decorators,
      at: m.index,
      source: f.text.slice(m.index, end).trimEnd(),
      line: lineOf(f.text, m.index),
    });
  }
  return out;
}

/** Whether code (masked text: interpolations count, words in strings and comments do not) uses `name`. */
export function usesIdentifier(code: string, name: string, except?: { from: number; to: number }): boolean {
  const re = new RegExp(`(?<![\\w.$])${name}(?!\\w)`, 'g');
  for (let m = re.exec(code); m; m = re.exec(code))
    if (!except || m.index < except.from || m.index >= except.to) return true;
  return false;
}
