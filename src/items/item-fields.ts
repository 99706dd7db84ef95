import type { FieldProblem } from '../common/errors/domain-error.js';
import { DATE_ONLY, NAME_TEXT, PROSE_TEXT } from '../common/validation/patterns.js';
import type { FieldDef } from '../policy/bundle.types.js';

/** Bounds for what the taxonomy leaves open: no unbounded string or list reaches the database. */
export const MAX_FIELDS = 50;
const DEFAULT_STRING_MAX = 2000;
const DEFAULT_ELEMENT_MAX = 200;
const MAX_LIST_ITEMS = 50;

function isRealDate(value: string): boolean {
  if (!DATE_ONLY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The constraint a value breaks, named like class-validator's; undefined when it fits. */
function violation(value: unknown, def: FieldDef): string | undefined {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return 'isString';
      if (value.length > (def.maxLength ?? DEFAULT_STRING_MAX)) return 'maxLength';
      return PROSE_TEXT.test(value) ? undefined : 'matches';
    case 'date':
      return typeof value === 'string' && isRealDate(value) ? undefined : 'isDate';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'isBoolean';
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'isInt';
      if (def.min !== undefined && value < def.min) return 'min';
      return def.max !== undefined && value > def.max ? 'max' : undefined;
    case 'enum':
      return typeof value === 'string' && (def.values ?? []).includes(value) ? undefined : 'isIn';
    case 'string[]':
      if (!Array.isArray(value)) return 'isArray';
      if (value.length > MAX_LIST_ITEMS) return 'arrayMaxSize';
      return value.every(
        (v) =>
          typeof v === 'string' &&
          v.length <= (def.maxLength ?? DEFAULT_ELEMENT_MAX) &&
          NAME_TEXT.test(v),
      )
        ? undefined
        : 'eachString';
  }
}

/**
 * Checks an item's structured fields against its category's field definitions (policies/
 * taxonomy.yaml). Every field is optional; an undeclared field, or a value of the wrong type or
 * beyond its bounds, is a problem named by path, never by value.
 */
export function fieldProblems(
  fields: Readonly<Record<string, unknown>>,
  defs: Readonly<Record<string, FieldDef>>,
): FieldProblem[] {
  const keys = Object.keys(fields);
  if (keys.length === 0) return [{ property: 'fields', constraints: ['isNotEmptyObject'] }];
  if (keys.length > MAX_FIELDS) return [{ property: 'fields', constraints: ['maxKeys'] }];
  const problems: FieldProblem[] = [];
  for (const key of keys) {
    const def = Object.hasOwn(defs, key) ? defs[key] : undefined;
    const broken = def ? violation(fields[key], def) : 'unknownField';
    if (broken) problems.push({ property: `fields.${key}`, constraints: [broken] });
  }
  return problems;
}
