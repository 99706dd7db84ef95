import type { FieldDef } from '../policy/bundle.types.js';
import { fieldProblems } from './item-fields.js';

const label = { fr: 'x', en: 'x' };
const DEFS: Record<string, FieldDef> = {
  name: { type: 'string', maxLength: 10, label },
  born: { type: 'date', label },
  safe: { type: 'boolean', label },
  count: { type: 'integer', min: 0, max: 20, label },
  kind: { type: 'enum', values: ['a', 'b'], label },
  aliases: { type: 'string[]', maxLength: 5, label },
};

describe('item fields against the taxonomy', () => {
  it('accepts values of the declared types within their bounds', () => {
    expect(
      fieldProblems(
        { name: 'Ok', born: '2000-02-29', safe: false, count: 3, kind: 'b', aliases: ['ab'] },
        DEFS,
      ),
    ).toEqual([]);
  });

  it('names each offending field and the rule it breaks, never the value', () => {
    const problems = fieldProblems(
      {
        name: 'x'.repeat(11),
        born: '2001-02-29',
        safe: 'yes',
        count: 21,
        kind: 'c',
        aliases: ['toolong'],
        colour: 'blue',
      },
      DEFS,
    );
    expect(problems).toEqual([
      { property: 'fields.name', constraints: ['maxLength'] },
      { property: 'fields.born', constraints: ['isDate'] },
      { property: 'fields.safe', constraints: ['isBoolean'] },
      { property: 'fields.count', constraints: ['max'] },
      { property: 'fields.kind', constraints: ['isIn'] },
      { property: 'fields.aliases', constraints: ['eachString'] },
      { property: 'fields.colour', constraints: ['unknownField'] },
    ]);
    expect(JSON.stringify(problems)).not.toContain('blue');
  });

  it('refuses nested objects, non-integers, control characters and an empty object', () => {
    expect(fieldProblems({ name: { nested: 1 }, count: 1.5, aliases: ['a\u0000'] }, DEFS)).toEqual([
      { property: 'fields.name', constraints: ['isString'] },
      { property: 'fields.count', constraints: ['isInt'] },
      { property: 'fields.aliases', constraints: ['eachString'] },
    ]);
    expect(fieldProblems({}, DEFS)).toEqual([
      { property: 'fields', constraints: ['isNotEmptyObject'] },
    ]);
  });

  it('does not take inherited names for declared fields', () => {
    expect(fieldProblems({ toString: 'x' }, DEFS)).toEqual([
      { property: 'fields.toString', constraints: ['unknownField'] },
    ]);
  });
});
