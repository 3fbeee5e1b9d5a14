/**
 * Azure Functions HTTP trigger route templates.
 *
 * The Functions host parses `route` with ASP.NET Core's template parser and matches with its
 * template matcher, so this follows those rules (brace escaping, constraint syntax, complex
 * segments, optional/default/catch-all parameters) closely enough that a template accepted here
 * behaves the same once deployed. Deliberate differences are noted where they occur.
 */

export interface CompiledRoute {
  template: string;
  /** Returns the route parameters (string values, decoded) when the path matches, or null. */
  match(path: string): Record<string, string> | null;
  /** Lower number = more specific; used to order routes (literal segments before parameters, constrained before unconstrained, catch-all last). */
  precedence: number;
}

export class RouteTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteTemplateError';
  }
}

interface Constraint {
  text: string;
  accepts(value: string): boolean;
}

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: Constraint[];
}

type Part = { kind: 'literal'; text: string } | { kind: 'param'; param: Parameter };

interface Segment {
  parts: Part[];
  /** Matches a whole decoded segment; one capture group per parameter, in order. */
  pattern: RegExp;
  /** For `{name}.{ext?}`: the same segment with the trailing `.{ext?}` left out. */
  patternWithoutOptional: RegExp | undefined;
}

export function compileRoute(template: string): CompiledRoute {
  const segments = parseTemplate(template).map((parts) => compileSegment(parts, template));
  validate(segments, template);
  const parameters = segments.flatMap((s) => s.parts.flatMap((p) => (p.kind === 'param' ? [p.param] : [])));
  return {
    template,
    precedence: computePrecedence(segments),
    match: (path) => matchPath(segments, parameters, path),
  };
}

/**
 * Stable sort, most specific first. Among equal precedence the registration order is kept,
 * because that is the only order the real host itself uses.
 */
export function sortRoutes<T extends { route: CompiledRoute }>(routes: T[]): T[] {
  return routes
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.route.precedence - b.entry.route.precedence || a.index - b.index)
    .map(({ entry }) => entry);
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseTemplate(template: string): Part[][] {
  // The host accepts routes written with or without surrounding slashes; only one is dropped
  // on each side so that `//a` still reports the empty segment.
  const text = template.replace(/^\//, '').replace(/\/$/, '');
  const segments: Part[][] = [];
  if (text === '') return segments;

  let parts: Part[] = [];
  let literal = '';
  const flushLiteral = () => {
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  const endSegment = () => {
    flushLiteral();
    if (parts.length === 0) {
      throw new RouteTemplateError(
        `Route template '${template}' has an empty segment: '/' cannot appear consecutively or at the end.`,
      );
    }
    segments.push(parts);
    parts = [];
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/') {
      endSegment();
      i++;
    } else if (c === '{' && text[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (c === '}' && text[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (c === '}') {
      throw new RouteTemplateError(
        `Route template '${template}' has unbalanced braces: '}' at position ${i} has no matching '{' (write '}}' for a literal brace).`,
      );
    } else if (c === '{') {
      const end = findParameterEnd(text, i, template);
      flushLiteral();
      // Inside a parameter the escapes are undone before the parameter itself is parsed,
      // so a regex constraint can say `{{2}}` and see `{2}`.
      const inner = text
        .slice(i + 1, end)
        .replace(/\{\{/g, '{')
        .replace(/\}\}/g, '}');
      parts.push({ kind: 'param', param: parseParameter(inner, template) });
      i = end + 1;
    } else if (c === '?') {
      // ASP.NET rejects this too; a '?' here is almost always a query string pasted into the route.
      throw new RouteTemplateError(
        `Route template '${template}' contains '?' outside a parameter; literal text cannot contain '?'.`,
      );
    } else {
      literal += c;
      i++;
    }
  }
  endSegment();
  return segments;
}

/** Index of the `}` closing the parameter that opens at `start`; doubled braces inside are escapes. */
function findParameterEnd(text: string, start: number, template: string): number {
  let j = start + 1;
  for (;;) {
    if (j >= text.length) {
      throw new RouteTemplateError(
        `Route template '${template}' has unbalanced braces: the '{' at position ${start} is never closed.`,
      );
    }
    const c = text[j];
    if (c === '{') {
      if (text[j + 1] !== '{') {
        throw new RouteTemplateError(
          `Route template '${template}' has unbalanced braces: unescaped '{' inside a parameter at position ${j} (write '{{').`,
        );
      }
      j += 2;
    } else if (c === '}') {
      if (text[j + 1] !== '}') return j;
      j += 2;
    } else {
      j++;
    }
  }
}

function parseParameter(inner: string, template: string): Parameter {
  let rest = inner;
  let catchAll = false;
  let optional = false;
  if (rest.startsWith('**')) {
    // `**` only changes how URLs are generated (slashes unencoded); matching is identical.
    catchAll = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.slice(1);
  }
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }

  const name = /^[^:=]*/.exec(rest)![0];
  rest = rest.slice(name.length);
  if (name === '') {
    throw new RouteTemplateError(`Route template '${template}' has a parameter with an empty name: '{${inner}}'.`);
  }
  if (/[/{}?*]/.test(name)) {
    throw new RouteTemplateError(
      `Route template '${template}' has an invalid parameter name '${name}': names cannot contain '/', '{', '}', '?' or '*' ('?' may only end a parameter, '*' only start one).`,
    );
  }

  const constraints: Constraint[] = [];
  while (rest.startsWith(':')) {
    rest = rest.slice(1);
    const constraintName = /^[^:=(]*/.exec(rest)![0];
    rest = rest.slice(constraintName.length);
    let argument: string | undefined;
    if (rest.startsWith('(')) {
      const close = findArgumentEnd(rest);
      if (close < 0) {
        throw new RouteTemplateError(
          `Route template '${template}': constraint '${constraintName}' on parameter '${name}' has an unclosed '('.`,
        );
      }
      argument = rest.slice(1, close);
      rest = rest.slice(close + 1);
    }
    constraints.push(createConstraint(constraintName, argument, name, template));
  }

  let defaultValue: string | undefined;
  if (rest.startsWith('=')) defaultValue = rest.slice(1);

  if (optional && catchAll) {
    throw new RouteTemplateError(
      `Route template '${template}': catch-all parameter '${name}' cannot be marked optional (it already matches an empty remainder).`,
    );
  }
  if (optional && defaultValue !== undefined) {
    throw new RouteTemplateError(
      `Route template '${template}': optional parameter '${name}' cannot have a default value.`,
    );
  }
  return { name, optional, catchAll, defaultValue, constraints };
}

/**
 * Index of the ')' closing the argument list that `rest` opens. As in ASP.NET, that ')' must end
 * the parameter or be followed by another constraint or the default, which lets regexes contain
 * ',' and ':'. ASP.NET takes the first such ')', which breaks `regex(^(a|b):c$)`; preferring the
 * one that balances the parentheses keeps such expressions whole.
 */
function findArgumentEnd(rest: string): number {
  const ends = (k: number) => k + 1 === rest.length || rest[k + 1] === ':' || rest[k + 1] === '=';
  let depth = 0;
  let inClass = false;
  for (let k = 0; k < rest.length; k++) {
    const c = rest[k];
    if (c === '\\') k++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && ends(k)) return k;
  }
  return rest.search(/\)(?=[:=]|$)/);
}

// ---------------------------------------------------------------------------------------------
// Constraints

const WS = '[\\t\\n\\v\\f\\r ]*';
// .NET's NumberStyles.Integer: surrounding whitespace and a leading sign are allowed.
const INTEGER = new RegExp(`^${WS}([+-]?\\d+)${WS}$`);
const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

function parseInteger(value: string, [min, max]: readonly [bigint, bigint]): bigint | undefined {
  const m = INTEGER.exec(value);
  if (!m) return undefined;
  const n = BigInt(m[1]);
  return n >= min && n <= max ? n : undefined;
}

// NumberStyles.Number (decimal) and Float|AllowThousands (double/float) as used by the
// invariant culture; .NET accepts any placement of ',' once a digit has been seen.
const DECIMAL = new RegExp(`^${WS}[+-]?(?:\\d[\\d,]*(?:\\.\\d*)?|\\.\\d+)${WS}$`);
const FLOATING = new RegExp(`^${WS}[+-]?(?:\\d[\\d,]*(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?${WS}$`, 'i');
// Since .NET Core 3.0, double/float parsing accepts these symbols (and float no longer fails on overflow).
const FLOAT_SYMBOL = new RegExp(`^${WS}(?:[+-]?(?:infinity|\u221e)|nan)${WS}$`, 'i');
const DECIMAL_MAX = 79228162514264337593543950335;

const HEX = (n: number) => `[0-9a-f]{${n}}`;
const GUID_D = `${HEX(8)}-${HEX(4)}-${HEX(4)}-${HEX(4)}-${HEX(12)}`;
// Guid.TryParse formats N, D, B and P; the rarely used X format is left out.
const GUID = new RegExp(`^${WS}(?:${HEX(32)}|${GUID_D}|\\{${GUID_D}\\}|\\(${GUID_D}\\))${WS}$`, 'i');

function isDateTime(value: string): boolean {
  // DateTime.TryParse with the invariant culture accepts a sprawling set of formats; this covers
  // the ones people put in URLs: ISO 8601 (date, date-time, zone) and invariant MM/dd/yyyy.
  const v = value.trim();
  const iso =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(v);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  const fields = iso ? iso.slice(1) : us ? [us[3], us[1], us[2], ...us.slice(4)] : undefined;
  if (!fields) return false;
  const [year, month, day, hour, minute, second] = fields.map((f) => Number(f ?? 0));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return (
    year >= 1 && daysInMonth !== undefined && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60
  );
}

type ConstraintFactory = (args: string[], describe: string) => (value: string) => boolean;

const noArgs =
  (test: (value: string) => boolean): ConstraintFactory =>
  (args, describe) => {
    if (args.length > 0) throw new Error(`${describe} takes no arguments`);
    return test;
  };

function longArg(text: string, describe: string): bigint {
  const n = parseInteger(text, INT64);
  if (n === undefined) throw new Error(`${describe} needs integer arguments, got '${text}'`);
  return n;
}

function lengthArg(text: string, describe: string): number {
  const n = longArg(text, describe);
  if (n < 0n || n > 2n ** 31n - 1n) throw new Error(`${describe} needs a non-negative length, got '${text}'`);
  return Number(n);
}

function arity(args: string[], counts: number[], describe: string): void {
  if (!counts.includes(args.length)) {
    throw new Error(`${describe} takes ${counts.join(' or ')} argument(s), got ${args.length}`);
  }
}

const CONSTRAINTS: Record<string, ConstraintFactory> = {
  int: noArgs((v) => parseInteger(v, INT32) !== undefined),
  long: noArgs((v) => parseInteger(v, INT64) !== undefined),
  bool: noArgs((v) => /^(?:true|false)$/i.test(v.trim())),
  datetime: noArgs(isDateTime),
  decimal: noArgs((v) => DECIMAL.test(v) && Math.abs(Number(v.replace(/,/g, ''))) <= DECIMAL_MAX),
  double: noArgs((v) => FLOATING.test(v) || FLOAT_SYMBOL.test(v)),
  float: noArgs((v) => FLOATING.test(v) || FLOAT_SYMBOL.test(v)),
  guid: noArgs((v) => GUID.test(v)),
  alpha: noArgs((v) => /^[a-z]*$/i.test(v)),
  min: (args, d) => {
    arity(args, [1], d);
    const min = longArg(args[0], d);
    return (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n >= min;
    };
  },
  max: (args, d) => {
    arity(args, [1], d);
    const max = longArg(args[0], d);
    return (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n <= max;
    };
  },
  range: (args, d) => {
    arity(args, [2], d);
    const [min, max] = args.map((a) => longArg(a, d));
    if (max < min) throw new Error(`${d} has its maximum below its minimum`);
    return (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n >= min && n <= max;
    };
  },
  length: (args, d) => {
    arity(args, [1, 2], d);
    const [min, max = min] = args.map((a) => lengthArg(a, d));
    if (max < min) throw new Error(`${d} has its maximum below its minimum`);
    return (v) => v.length >= min && v.length <= max;
  },
  minlength: (args, d) => {
    arity(args, [1], d);
    const min = lengthArg(args[0], d);
    return (v) => v.length >= min;
  },
  maxlength: (args, d) => {
    arity(args, [1], d);
    const max = lengthArg(args[0], d);
    return (v) => v.length <= max;
  },
};

function createConstraint(name: string, argument: string | undefined, parameter: string, template: string): Constraint {
  const text = argument === undefined ? name : `${name}(${argument})`;
  const describe = `constraint '${text}' on parameter '${parameter}'`;
  const key = name.toLowerCase();
  try {
    if (key === 'regex') {
      if (argument === undefined) throw new Error(`${describe} needs a regular expression argument`);
      // ASP.NET itself does not anchor the expression (a missing ^/$ silently matches substrings);
      // anchoring makes `regex(\d+)` mean what people expect.
      const re = new RegExp(`^(?:${argument})$`, 'i');
      return { text, accepts: (v) => re.test(v) };
    }
    const factory = Object.prototype.hasOwnProperty.call(CONSTRAINTS, key) ? CONSTRAINTS[key] : undefined;
    if (!factory) {
      throw new Error(`unknown ${describe}; known constraints: ${[...Object.keys(CONSTRAINTS), 'regex'].join(', ')}`);
    }
    const args = argument === undefined ? [] : argument.split(',').map((a) => a.trim());
    return { text, accepts: factory(args, describe) };
  } catch (err) {
    throw new RouteTemplateError(`Route template '${template}': ${(err as Error).message}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation and compilation

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(parts: Part[], template: string): Segment {
  const text = parts.map((p) => (p.kind === 'literal' ? p.text : `{${p.param.name}}`)).join('');
  parts.forEach((part, i) => {
    if (part.kind !== 'param') return;
    const { name, catchAll, optional } = part.param;
    if (catchAll && parts.length > 1) {
      throw new RouteTemplateError(
        `Route template '${template}': catch-all parameter '${name}' must be the only thing in its segment ('${text}').`,
      );
    }
    const next = parts[i + 1];
    if (next?.kind === 'param') {
      // Without a literal between them there is no way to tell where one value ends.
      throw new RouteTemplateError(
        `Route template '${template}': segment '${text}' has two consecutive parameters; separate them with a literal or '/'.`,
      );
    }
    if (optional && parts.length > 1) {
      if (next) {
        throw new RouteTemplateError(
          `Route template '${template}': optional parameter '${name}' must be at the end of segment '${text}'.`,
        );
      }
      const previous = parts[i - 1];
      if (previous.kind !== 'literal' || !previous.text.endsWith('.')) {
        throw new RouteTemplateError(
          `Route template '${template}': in segment '${text}', optional parameter '${name}' can only be preceded by a '.'.`,
        );
      }
    }
  });

  // Greedy captures make each literal match at its last possible position, which is what
  // ASP.NET's right-to-left complex-segment matcher does (`{name}.{ext}` on `a.b.c` → `a.b`, `c`).
  const source = (ps: Part[]) => ps.map((p) => (p.kind === 'literal' ? escapeRegExp(p.text) : '(.+)')).join('');
  // 's' so decoded newlines are ordinary characters; 'i' for case-insensitive literals.
  const pattern = new RegExp(`^${source(parts)}$`, 'is');
  let patternWithoutOptional: RegExp | undefined;
  const last = parts[parts.length - 1];
  if (parts.length > 1 && last.kind === 'param' && last.param.optional) {
    const head = parts.slice(0, -1);
    const separator = head[head.length - 1] as { kind: 'literal'; text: string };
    const trimmed: Part[] = [...head.slice(0, -1), { kind: 'literal', text: separator.text.slice(0, -1) }];
    patternWithoutOptional = new RegExp(`^${source(trimmed)}$`, 'is');
  }
  return { parts, pattern, patternWithoutOptional };
}

function singleParam(segment: Segment): Parameter | undefined {
  const [only] = segment.parts;
  return segment.parts.length === 1 && only.kind === 'param' ? only.param : undefined;
}

/** A segment the path may leave out entirely. */
function isOmittable(segment: Segment): boolean {
  const param = singleParam(segment);
  return !!param && (param.optional || param.catchAll || param.defaultValue !== undefined);
}

function validate(segments: Segment[], template: string): void {
  const seen = new Map<string, string>();
  let optionalSeen: string | undefined;
  segments.forEach((segment, index) => {
    if (optionalSeen !== undefined && !isOmittable(segment)) {
      // Only trailing segments can be left out of a path, so anything required after an
      // optional parameter would make that parameter mandatory in practice.
      throw new RouteTemplateError(
        `Route template '${template}': optional parameter '${optionalSeen}' is followed by the non-optional segment '${segmentText(segment)}'.`,
      );
    }
    for (const part of segment.parts) {
      if (part.kind !== 'param') continue;
      const { name, catchAll, optional } = part.param;
      // The host hands values to functions in a case-insensitive dictionary, so `{id}` and `{ID}` would collide.
      const key = name.toLowerCase();
      if (seen.has(key)) {
        throw new RouteTemplateError(
          `Route template '${template}': parameter name '${name}' appears more than once (names are case-insensitive; first as '${seen.get(key)}').`,
        );
      }
      seen.set(key, name);
      if (catchAll && index !== segments.length - 1) {
        throw new RouteTemplateError(
          `Route template '${template}': catch-all parameter '${name}' must be in the last segment.`,
        );
      }
      if (optional) optionalSeen ??= name;
    }
  });
}

function segmentText(segment: Segment): string {
  return segment.parts.map((p) => (p.kind === 'literal' ? p.text : `{${p.param.name}}`)).join('');
}

/**
 * ASP.NET's inbound precedence: one digit per segment (literal 1, complex or constrained
 * parameter 2, parameter 3, constrained catch-all 4, catch-all 5) read as a decimal fraction,
 * so earlier segments dominate. Built from a string so that ordering is exact.
 */
function computePrecedence(segments: Segment[]): number {
  if (segments.length === 0) return 0;
  const digits = segments.map((segment) => {
    const param = singleParam(segment);
    if (!param) return segment.parts.length > 1 ? 2 : 1;
    return (param.catchAll ? 5 : 3) - (param.constraints.length > 0 ? 1 : 0);
  });
  return Number(`${digits[0]}.${digits.slice(1).join('')}0`);
}

// ---------------------------------------------------------------------------------------------
// Matching

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function matchPath(segments: Segment[], parameters: Parameter[], path: string): Record<string, string> | null {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const pathSegments = trimmed === '' ? [] : trimmed.split('/');
  const values = new Map<Parameter, string>();

  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const param = singleParam(segment);

    if (param?.catchAll) {
      const remainder = decode(pathSegments.slice(i).join('/'));
      if (remainder === undefined) return null;
      if (remainder !== '') values.set(param, remainder);
      pathSegments.length = i;
      break;
    }
    if (i >= pathSegments.length) {
      if (!isOmittable(segment)) return null;
      continue;
    }
    const value = decode(pathSegments[i]);
    if (value === undefined) return null;
    const params = segment.parts.flatMap((p) => (p.kind === 'param' ? [p.param] : []));
    const m = segment.pattern.exec(value) ?? segment.patternWithoutOptional?.exec(value);
    if (!m) return null;
    params.forEach((p, k) => {
      if (m[k + 1] !== undefined) values.set(p, m[k + 1]);
    });
  }
  if (pathSegments.length > segments.length) return null;

  const result: [string, string][] = [];
  for (const param of parameters) {
    const value = values.get(param) ?? param.defaultValue;
    // Like ASP.NET, constraints apply to defaults too, but not to parameters left out entirely.
    if (value === undefined) continue;
    if (!param.constraints.every((c) => c.accepts(value))) return null;
    result.push([param.name, value]);
  }
  // fromEntries defines own properties, so a parameter named `__proto__` cannot touch the prototype.
  return Object.fromEntries(result);
}
