// What the host makes of a value the worker returned for an output binding, before the binding sees
// it (Azure/azure-functions-host: GrpcMessageConversionExtensions.ToObject in
// src/WebJobs.Script.Grpc/MessageExtensions, then FunctionBinding.ReadAsEnumerable /
// ConvertValueToStream in src/WebJobs.Script/Binding/FunctionBinding.cs).
import { RpcTypedData } from '../core/types';

/** ToObject: text stays text (not parsed), JSON is parsed, bytes are bytes, numbers are numbers. */
export function hostValue(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if ('string' in data) return data.string;
  if ('json' in data) return JSON.parse(data.json) as unknown;
  if ('bytes' in data) return Buffer.from(data.bytes);
  if ('int' in data) return { int: data.int };
  if ('double' in data) return { double: data.double };
  return undefined;
}

/** Marks host-side numbers, which a blob writes as .NET's BitConverter bytes rather than as text. */
type HostNumber = { int: number } | { double: number };

function isHostNumber(v: unknown): v is HostNumber {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Buffer.isBuffer(v) &&
    Object.keys(v).length === 1 &&
    (typeof (v as { int?: unknown }).int === 'number' || typeof (v as { double?: unknown }).double === 'number')
  );
}

/**
 * The items a collector binding (queue, table) gets: a JSON array's elements, the elements of text that
 * is a JSON array or object (an object is one item), or the value itself.
 */
export function collectorItems(value: unknown): unknown[] {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        const parsed = JSON.parse(t) as unknown;
        return Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return [value];
      }
    }
    return [value];
  }
  if (Array.isArray(value)) return value;
  return [value];
}

/** The text of one collector item, as `value.ToString()` prints it in .NET (objects as indented JSON). */
export function itemText(item: unknown): string {
  if (typeof item === 'string') return item;
  if (isHostNumber(item)) return String('int' in item ? item.int : item.double);
  if (typeof item === 'boolean') return item ? 'True' : 'False';
  if (typeof item === 'number') return String(item);
  if (item === null) return '';
  if (Buffer.isBuffer(item)) return item.toString('utf8');
  return JSON.stringify(item, null, 2);
}

/** A blob's content from the value (ConvertValueToStream). */
export function blobContent(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (isHostNumber(value)) {
    // Integers arrive as 64-bit and are written as their low 32 bits; doubles as 8 bytes (little-endian).
    if ('int' in value) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(BigInt.asIntN(32, BigInt(Math.trunc(value.int)))));
      return b;
    }
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value.double);
    return b;
  }
  return Buffer.from(JSON.stringify(value), 'utf8');
}
