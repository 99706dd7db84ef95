import { createHash } from 'node:crypto';
/**
 * JSON Canonicalization Scheme (JCS), RFC 8785: the one byte string an audit record hashes to.
 *
 * - Primitives are serialised as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2): `null`,
 *   `true`, `false`; numbers by Number::toString (§3.2.2.3, so -0 → "0", 1e21 → "1e+21");
 *   strings with only the mandatory escapes (§3.2.2.2).
 * - Object properties are sorted by their names' UTF-16 code units (§3.2.3), recursively; arrays
 *   keep their order.
 * - Input must be I-JSON (RFC 7493, required by §3.1): anything else is a TypeError rather than
 *   being silently dropped or coerced as JSON.stringify would — undefined, functions, symbols,
 *   bigints, NaN/±Infinity, strings with lone surrogates, cycles, and objects that are not plain
 *   (Date, Map, Buffer, class instances…: convert them first, e.g. a Date to its ISO string).
 */
export function canonicalize(value: unknown): string {
  return serialize(value, '$', new Set());
}

/** The canonical form as UTF-8 (RFC 8785 §3.2.5), ready to hash. */
/** Hex SHA-256 of the RFC 8785 form: the fingerprint of a policy bundle or a released payload. */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalize(value)).digest('hex');
}

export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

// In a /u regex a lone surrogate is a code point of category Cs; a valid pair is not.
const LONE_SURROGATE = /\p{Cs}/u;

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not valid JSON`);
      return JSON.stringify(value);
    case 'string':
      return serializeString(value, path);
    case 'object':
      if (value === null) return 'null';
      if (ancestors.has(value)) throw new TypeError(`${path}: circular reference`);
      ancestors.add(value);
      try {
        return Array.isArray(value)
          ? serializeArray(value, path, ancestors)
          : serializeObject(value, path, ancestors);
      } finally {
        ancestors.delete(value);
      }
    default: // undefined, function, symbol, bigint
      throw new TypeError(`${path}: a ${typeof value} has no JSON representation`);
  }
}

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string has a lone surrogate`);
  return JSON.stringify(value);
}

function serializeArray(array: unknown[], path: string, ancestors: Set<object>): string {
  // Index loop, not map(): holes in sparse arrays are undefined, hence rejected.
  const items: string[] = [];
  for (let i = 0; i < array.length; i++)
    items.push(serialize(array[i], `${path}[${i}]`, ancestors));
  return `[${items.join(',')}]`;
}

function serializeObject(object: object, path: string, ancestors: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (object.constructor as { name?: string } | undefined)?.name ?? 'exotic';
    throw new TypeError(`${path}: ${kind} object is not a plain JSON object`);
  }
  if (Object.getOwnPropertySymbols(object).length > 0) {
    throw new TypeError(`${path}: symbol-keyed properties have no JSON representation`);
  }
  const record = object as Record<string, unknown>;
  // `<` on strings compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
  const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const members = keys.map(
    (key) => `${serializeString(key, path)}:${serialize(record[key], `${path}.${key}`, ancestors)}`,
  );
  return `{${members.join(',')}}`;
}
