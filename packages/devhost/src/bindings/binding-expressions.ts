// Binding expressions in binding properties (`samples/{name}`, `{data.id}`, `{rand-guid}`,
// `{datetime:yyyy-MM-dd}`, `{sys.utcnow}`), evaluated the way the WebJobs SDK does it
// (BindingTemplate, BindingTemplateToken, BindingParameterResolver, BindingDataPathHelper and
// SystemBindingData in Azure/azure-webjobs-sdk, src/Microsoft.Azure.WebJobs.Host/Bindings):
//
// - `{a.b.c}` looks `a` up in the invocation's binding data, then walks properties, all
//   case-insensitively; a missing name fails the invocation ("No value for named parameter 'a'.");
// - binding data wins over the built-ins `rand-guid` and `datetime`, which take a format after `:`
//   (`{rand-guid:N}`, `{datetime:yyyy}`); other expressions take one too (`{when:yyyy}` for a date);
// - `sys.methodname`, `sys.utcnow` and `sys.randguid` are always there (user data named `sys` wins);
// - a value is printed as the SDK prints it: strings as they are, numbers invariantly, booleans as
//   .NET does (`True`), dates with `yyyy-MM-ddTHH-mm-ssK` unless a format is given, and objects or
//   arrays as nothing at all.
import { newId } from '../core/ids';
import { BindingData, lookup } from './binding-data';

type Token = { literal: string } | { parts: string[]; format?: string; builtin?: 'rand-guid' | 'datetime' };

/** A parsed template; parse once at start-up (a syntax error is then a start-up error). */
export class BindingTemplate {
  private constructor(
    readonly pattern: string,
    private readonly tokens: Token[],
  ) {}

  static parse(pattern: string): BindingTemplate {
    const tokens: Token[] = [];
    let i = 0;
    let literal = '';
    while (i < pattern.length) {
      const c = pattern[i];
      if (c === '}') throw new Error(`Invalid template '${pattern}': '}' without a '{' before it.`);
      if (c !== '{') {
        literal += c;
        i++;
        continue;
      }
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) throw new Error(`Invalid template '${pattern}': '{' is never closed.`);
      if (literal) tokens.push({ literal });
      literal = '';
      tokens.push(parseExpression(pattern.slice(i + 1, end), pattern));
      i = end + 1;
    }
    if (literal) tokens.push({ literal });
    return new BindingTemplate(pattern, tokens);
  }

  get hasParameters(): boolean {
    return this.tokens.some((t) => 'parts' in t);
  }

  /** The first name of each expression, as often as it occurs. */
  get parameterNames(): string[] {
    return this.tokens.flatMap((t) => ('parts' in t ? [t.parts[0]] : []));
  }

  bind(data: BindingData, override?: (name: string, printed: string) => string): string {
    let out = '';
    for (const t of this.tokens) {
      if ('literal' in t) out += t.literal;
      else {
        const printed = evaluate(t, data);
        out += override ? override(t.parts[0], printed) : printed;
      }
    }
    return out;
  }
}

function parseExpression(expression: string, pattern: string): Token {
  let text = expression.trim();
  const builtin = /^rand-guid(?::|$)/i.test(text)
    ? 'rand-guid'
    : /^datetime(?::|$)/i.test(text)
      ? 'datetime'
      : undefined;
  let format: string | undefined;
  const colon = text.indexOf(':');
  if (colon > 0) {
    format = text.slice(colon + 1);
    text = text.slice(0, colon);
  }
  if (!/^[A-Za-z0-9_$.-]+$/.test(text))
    throw new Error(`Invalid template '${pattern}': '{${expression}}' is not a valid expression.`);
  const parts = text.split('.');
  if (parts.some((p) => !p))
    throw new Error(`Invalid template '${pattern}': '{${expression}}' is not a valid expression.`);
  if (!builtin && parts[0].includes('-'))
    throw new Error(`Invalid template '${pattern}': the parameter name '${parts[0]}' is invalid.`);
  return { parts, format: format?.trim() ? format : undefined, builtin };
}

function evaluate(t: Extract<Token, { parts: string[] }>, data: BindingData): string {
  const found = lookup(data, t.parts[0]);
  let value: unknown;
  if (found.present) {
    value = found.value;
    for (const part of t.parts.slice(1)) {
      const next =
        value !== null && typeof value === 'object' ? lookup(value as Record<string, unknown>, part) : undefined;
      if (!next?.present) throw new Error(`Error while accessing '${part}': property doesn't exist.`);
      value = next.value;
    }
  } else if (t.builtin === 'rand-guid') value = new Guid();
  else if (t.builtin === 'datetime') value = new Date();
  else throw new Error(`No value for named parameter '${t.parts[0]}'.`);
  return printValue(value, t.format);
}

/** A GUID value (as `{rand-guid}` and `sys.randguid` give), printed with .NET's Guid formats. */
export class Guid {
  readonly value = newId();
}

/** The system binding data, `sys`: a fresh GUID and the current time at every use, as the SDK's properties. */
export function systemBindingData(functionName: string): Record<string, unknown> {
  return {
    methodname: functionName,
    get utcnow() {
      return new Date();
    },
    get randguid() {
      return new Guid();
    },
  };
}

/** BindingDataPathHelper.ConvertParameterValueToString. */
export function printValue(value: unknown, format?: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return formatDate(value, format ?? 'yyyy-MM-ddTHH-mm-ssK');
  if (value instanceof Guid) return formatGuid(value.value, format);
  // null, objects and arrays print as nothing (the SDK returns null for them).
  return '';
}

function formatGuid(uuid: string, format: string | undefined): string {
  switch ((format ?? 'D').toUpperCase()) {
    case 'D':
      return uuid;
    case 'N':
      return uuid.replace(/-/g, '');
    case 'B':
      return `{${uuid}}`;
    case 'P':
      return `(${uuid})`;
    default:
      throw new Error(`'${format}' is not a GUID format (N, D, B or P).`);
  }
}

const STANDARD_DATE_FORMATS: Record<string, string> = {
  o: "yyyy-MM-dd'T'HH:mm:ss.fffffffK",
  O: "yyyy-MM-dd'T'HH:mm:ss.fffffffK",
  s: "yyyy-MM-dd'T'HH:mm:ss",
  u: "yyyy-MM-dd HH:mm:ss'Z'",
  d: 'MM/dd/yyyy',
};

/** .NET custom date and time format strings (invariant culture, UTC), the subset binding paths use. */
export function formatDate(d: Date, format: string): string {
  if (format.length === 1) {
    const standard = STANDARD_DATE_FORMATS[format];
    if (!standard) throw new Error(`'${format}' is not a supported standard date format (o, s, u, d).`);
    format = standard;
  }
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const h12 = d.getUTCHours() % 12 || 12;
  let out = '';
  for (let i = 0; i < format.length;) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end < 0) throw new Error(`Date format '${format}' has an unclosed quote.`);
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '\\') {
      out += format[i + 1] ?? '';
      i += 2;
      continue;
    }
    let n = 1;
    while (format[i + n] === c) n++;
    i += n;
    switch (c) {
      case 'y':
        out += n <= 2 ? pad(d.getUTCFullYear() % 100, n) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
        if (n > 2) throw new Error(`Month names ('${'M'.repeat(n)}') are not supported in date formats here.`);
        out += pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        if (n > 2) throw new Error(`Day names ('${'d'.repeat(n)}') are not supported in date formats here.`);
        out += pad(d.getUTCDate(), n);
        break;
      case 'H':
        out += pad(d.getUTCHours(), Math.min(n, 2));
        break;
      case 'h':
        out += pad(h12, Math.min(n, 2));
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), Math.min(n, 2));
        break;
      case 's':
        out += pad(d.getUTCSeconds(), Math.min(n, 2));
        break;
      case 'f':
      case 'F': {
        if (n > 7) throw new Error(`Date format '${format}': at most 7 '${c}'.`);
        let digits = pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
        if (c === 'F') digits = digits.replace(/0+$/, '');
        out += digits;
        break;
      }
      case 't':
        out += (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        break;
      case 'K':
        out += 'Z'.repeat(n);
        break;
      case 'z':
        out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        break;
      default:
        out += c.repeat(n);
    }
  }
  return out;
}

/**
 * A table input's `filter`: OData-aware binding, as TableFilterFormatter does (Azure/azure-sdk-for-net,
 * sdk/tables/Microsoft.Azure.WebJobs.Extensions.Tables/src/TableFilterFormatter.cs). A filter that is one
 * expression binds as it is; otherwise a parameter always written inside quotes (`'{p}'`) has its
 * quotes doubled, and any other must be a boolean or a number, so a value cannot change the query.
 */
export function bindFilter(template: BindingTemplate, data: BindingData): string {
  if (!template.hasParameters) return template.pattern;
  const names = template.parameterNames;
  if (names.length === 1 && template.pattern.trim().replace(/\s/g, '') === `{${names[0]}}`) return template.bind(data);
  const quoted = new Map<string, boolean>();
  for (const name of new Set(names.map((n) => n.toLowerCase()))) {
    const all = names.filter((n) => n.toLowerCase() === name).length;
    const inQuotes = template.pattern.toLowerCase().split(`'{${name}`).length - 1;
    quoted.set(name, inQuotes >= all);
  }
  return template.bind(data, (name, printed) => {
    if (quoted.get(name.toLowerCase())) return printed.replace(/'/g, "''");
    if (/^(true|false)$/i.test(printed) || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(printed.trim()))
      return printed;
    throw new Error(`An invalid parameter value was specified for filter parameter '${name}'.`);
  });
}
