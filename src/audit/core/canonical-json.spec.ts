import { canonicalBytes, canonicalize } from './canonical-json.js';

/** The double whose IEEE 754 bit pattern is `hex` (RFC 8785 Appendix B lists numbers this way). */
function double(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('sorts properties by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders a surrogate pair (U+1F600) before U+FB33, unlike code point order', () => {
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('reproduces the RFC 8785 §3.2.4 example, down to its UTF-8 bytes', () => {
    const input: unknown = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalize(input)).toBe(expected);
    // The hex dump printed in §3.2.4.
    const rfcHex = `
      7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;
    expect(Buffer.from(canonicalBytes(input)).toString('hex')).toBe(rfcHex.replace(/\s+/g, ''));
  });

  it.each([
    // RFC 8785 Appendix B: IEEE 754 bit pattern → canonical text.
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the double %s as %s (RFC 8785 Appendix B)', (hex, text) => {
    expect(canonicalize(double(hex))).toBe(text);
  });

  it('serialises numbers the way ECMAScript does around the exponent thresholds', () => {
    expect(canonicalize([1e20, 1e21, 1e-6, 1e-7, -0, 0.1 + 0.2, 4.5, 1e30])).toBe(
      '[100000000000000000000,1e+21,0.000001,1e-7,0,0.30000000000000004,4.5,1e+30]',
    );
  });

  it('escapes strings as JSON.stringify does (RFC 8785 §3.2.2.2)', () => {
    expect(canonicalize('\u0000\b\t\n\f\r\u001f"\\/\u007f\u2028\u00e9\ud83d\ude00')).toBe(
      '"\\u0000\\b\\t\\n\\f\\r\\u001f\\"\\\\/\u007f\u2028\u00e9\ud83d\ude00"',
    );
  });

  it('canonicalises nested structures recursively, arrays keeping their order', () => {
    const input = { b: [3, { z: null, a: true }, 'x'], a: { d: {}, c: [] }, '': false };
    expect(canonicalize(input)).toBe(
      '{"":false,"a":{"c":[],"d":{}},"b":[3,{"a":true,"z":null},"x"]}',
    );
  });

  it('gives the same text for equal values whatever their property insertion order', () => {
    expect(canonicalize({ x: 1, y: { p: 1, q: 2 } })).toBe(
      canonicalize({ y: { q: 2, p: 1 }, x: 1 }),
    );
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
  });

  it('encodes to UTF-8', () => {
    expect(Buffer.from(canonicalBytes({ '\u20ac': '\ud83d\ude00' })).toString('hex')).toBe(
      '7b22e282ac223a22f09f9880227d',
    );
  });

  describe('rejects what is not I-JSON with a TypeError', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['undefined property', { a: undefined }],
      ['undefined array item', [1, undefined]],
      ['sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
      ['function', () => 1],
      ['function property', { f() {} }],
      ['symbol', Symbol('s')],
      ['symbol-keyed property', { [Symbol('s')]: 1 }],
      ['bigint', 1n],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', [-Infinity]],
      ['Date', new Date(0)],
      ['nested Date', { at: new Date(0) }],
      ['Map', new Map()],
      ['Set', new Set()],
      ['RegExp', /x/],
      ['Buffer', Buffer.from('x')],
      ['Uint8Array', new Uint8Array(1)],
      ['boxed string', new String('x')],
      ['class instance', new (class Point {})()],
      ['lone high surrogate', '\ud83d'],
      ['lone low surrogate in a key', { '\ude00': 1 }],
      ['circular reference', circular],
    ])('%s', (_name, value) => {
      expect(() => canonicalize(value)).toThrow(TypeError);
    });

    it('names the offending path', () => {
      expect(() => canonicalize({ a: [{ b: 1 }, { c: undefined }] })).toThrow('$.a[1].c');
    });
  });

  it('accepts a shared (non-circular) sub-object twice', () => {
    const shared = { k: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"k":1},{"k":1}]');
  });
});
