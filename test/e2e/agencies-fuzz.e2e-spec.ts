import fc from 'fast-check';
import type { JWK } from 'jose';
import { PRIVACY_REGIMES, SECTORS } from '../../src/agencies/agency.types.js';
import { REVOCATION_REASONS, STATUS_REASONS } from '../../src/agencies/dto/agency-input.dto.js';
import { ROLES } from '../../src/common/auth/roles.js';
import { AGENCY_CODE, JURISDICTION, KEY_ID } from '../../src/common/validation/patterns.js';
import {
  createAgency,
  generateTestKey,
  type TestAgency,
  type TestKey,
} from '../factories/agency.factory.js';
import { countRows, expectProblem } from '../support/problem.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * Property-based: whatever arrives as a body, the agencies API answers a 4xx problem with a code,
 * never a 5xx, and writes nothing. Each request carries a fresh token (a jti is single use).
 */

const BODY_LIMIT = 262_144;
const RUNS = { numRuns: 100 } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------- generic arbitraries

/** Any JSON value that is not a string. */
const notString: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, {
    maxKeys: 3,
  }),
);
/** Any JSON value that is not an object (arrays count as not objects). */
const notObject: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
);
/** Strings of every kind: printable, any code unit (controls, lone surrogates), or huge. */
const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 129, max: 100_000 }).map((n) => 'é'.repeat(n)),
);
/** Text with at least one control character or lone surrogate, which no name may hold. */
const textWithControl: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('\u0000', '\n', '\t', '\u001f', '\u007f', '\u0085', '\ud800', '\udfff'),
    fc.string({ maxLength: 10 }),
  )
  .map(([a, c, b]) => `${a}${c}${b}`);
const notIn = (values: readonly string[]): fc.Arbitrary<Json> =>
  fc.oneof(
    notString,
    anyString.filter((s) => !values.includes(s)),
  );
const notMatching = (pattern: RegExp): fc.Arbitrary<Json> =>
  fc.oneof(
    notString,
    anyString.filter((s) => !pattern.test(s)),
  );
/** A property name the DTOs do not declare (the prototype names are covered on their own). */
const unknownKey = (known: readonly string[]): fc.Arbitrary<string> =>
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((k) => !known.includes(k) && !['__proto__', 'constructor', 'prototype'].includes(k));

// ---------------------------------------------------------------- raw JSON builders

/** JSON text nested `depth` levels deep, built as text (JSON.stringify would itself recurse). */
function nestedText(depth: number, kind: 'array' | 'object' | 'mixed'): string {
  if (kind === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;
}

/** Serialises `value`, replacing the string `"<slot>"` by a raw JSON text (or a raw key). */
function withRaw(value: unknown, slot: string, raw: string): string {
  const text = JSON.stringify(value);
  const marker = JSON.stringify(slot);
  expect(text).toContain(marker);
  return text.replace(marker, raw);
}

describe('agencies API under malformed input (property-based)', () => {
  let t: TestApp;
  let admin: TestAgency;
  let target: TestAgency;
  let pool: TestKey[];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAgency(t.dataSource, { allowedRoles: ROLES, sector: 'coordination' });
    target = await createAgency(t.dataSource, { allowedRoles: ['agency_user'] });
    pool = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        generateTestKey(i % 2 ? 'EdDSA' : 'ES256', `fuzz-never-added-${i}`),
      ),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything a refused request must leave as it was. */
  async function state(): Promise<unknown> {
    const [agency] = await t.dataSource.query('SELECT * FROM agency WHERE id = $1', [target.id]);
    const keys = await t.dataSource.query(
      'SELECT kid, status FROM agency_key WHERE agency_id = $1 ORDER BY kid',
      [target.id],
    );
    return { counts: await countRows(t.dataSource), agency, keys };
  }

  async function send(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string | Uint8Array; contentType?: string } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (options.contentType) headers['content-type'] = options.contentType;
    else if (options.rawBody !== undefined) headers['content-type'] = 'application/json';
    return t.request(method, path, {
      token: await admin.token(['admin']),
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
      headers,
    });
  }

  /**
   * The invariant: a client error as a problem with a code (one of `codes` when given), never a
   * 5xx, and nothing written.
   */
  async function expectRefused(
    call: () => Promise<HttpResult>,
    statuses: readonly number[] = [400],
    codes?: readonly string[],
  ): Promise<HttpResult> {
    const before = await state();
    const res = await call();
    expect(res.status).toBeLessThan(500);
    expect(statuses).toContain(res.status);
    const problem = expectProblem(res, res.status, String(res.body?.code));
    expect(problem.code).toMatch(/^[a-z_]+\.[a-z_]+$/);
    if (codes) expect(codes).toContain(problem.code);
    expect(await state()).toEqual(before);
    return res;
  }

  const validJwk = (): fc.Arbitrary<JWK> => fc.constantFrom(...pool.map((k) => k.publicJwk));
  const validKey = (): fc.Arbitrary<{ kid: string; jwk: JWK }> =>
    fc.constantFrom(...pool.map((k) => ({ kid: k.kid, jwk: k.publicJwk })));

  /** A JWK the broker must refuse. */
  const badJwk = (): fc.Arbitrary<Json> =>
    fc.oneof(
      notObject,
      validJwk().map((jwk) => ({ ...jwk, d: jwk.x }) as Json),
      fc.base64String({ minLength: 4, maxLength: 64 }).map((k) => ({ kty: 'oct', k })),
      validJwk().map((jwk) => ({ ...jwk, crv: 'P-384' }) as Json),
      validJwk().map((jwk) => ({ ...jwk, kty: 'RSA' }) as Json),
      fc.tuple(validJwk(), anyString).map(([jwk, x]) => ({ ...jwk, x }) as Json),
      fc.tuple(validJwk(), notString).map(([jwk, x]) => ({ ...jwk, x }) as Json),
      fc
        .tuple(validJwk(), unknownKey(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use', 'key_ops']))
        .map(([jwk, member]) => ({ ...jwk, [member]: 'x' }) as Json),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
    );
  /** A key item the broker must refuse. */
  const badKeyItem = (): fc.Arbitrary<Json> =>
    fc.oneof(
      notObject,
      fc.tuple(notMatching(KEY_ID), validJwk()).map(([kid, jwk]) => ({ kid, jwk }) as Json),
      fc.tuple(validKey(), badJwk()).map(([key, jwk]) => ({ kid: key.kid, jwk })),
      validKey().map((key) => ({ jwk: key.jwk }) as Json),
      validKey().map((key) => ({ kid: key.kid })),
      fc
        .tuple(validKey(), unknownKey(['kid', 'jwk']), fc.jsonValue({ maxDepth: 1 }))
        .map(([key, extra, value]) => ({ ...key, [extra]: value }) as Json),
    );
  /** A key list the broker must refuse, often with valid keys beside the bad part. */
  const badKeyList = (): fc.Arbitrary<Json> =>
    fc.oneof(
      fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.dictionary(fc.string(), fc.integer())),
      fc
        .tuple(fc.array(validKey(), { maxLength: 4 }), badKeyItem(), fc.nat(4))
        .map(([good, bad, at]) => {
          const list: Json[] = good.map((k) => ({ ...k }) as Json);
          list.splice(Math.min(at, list.length), 0, bad);
          return list;
        }),
      // Two items of the request under one kid.
      fc
        .tuple(validKey(), validKey())
        .map(([a, b]) => [a, { kid: a.kid, jwk: b.jwk }] as unknown as Json),
      // More than ten keys.
      fc
        .array(validKey(), { minLength: 11, maxLength: 14 })
        .map(
          (keys) => keys.map((k, i) => ({ kid: `${k.kid}-${i}`, jwk: k.jwk })) as unknown as Json,
        ),
    );

  // ---------------------------------------------------------------- POST /v1/agencies

  describe('POST /v1/agencies', () => {
    const FIELDS = [
      'code',
      'names',
      'sector',
      'jurisdiction',
      'privacyRegime',
      'allowedRoles',
      'keys',
    ];
    const base = (): Record<string, Json> => ({
      code: 'fuzz-never-written',
      names: { fr: 'Organisme témoin', en: 'Control agency' },
      sector: 'police',
      jurisdiction: 'CA-QC',
      privacyRegime: 'QC-A-2.1',
      allowedRoles: ['agency_user'],
      keys: [{ kid: pool[0].kid, jwk: pool[0].publicJwk as Json }],
    });

    it('refuses any JSON value that is not a registration (null, arrays, strings, numbers, objects)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          await expectRefused(() =>
            send('POST', '/v1/agencies', { rawBody: JSON.stringify(body) }),
          );
        }),
        { ...RUNS, examples: [[null], [[]], ['agency'], [42], [true], [{}], [[base()]]] },
      );
    });

    it('refuses a valid registration with one part spoiled, and writes nothing', async () => {
      // Each spoiler sets one field to a value it may not hold, or removes a required one.
      type Spoil = { field: string; value: Json } | { field: string; remove: true };
      const set = (field: string) => (value: Json) => ({ field, value });
      const spoilers: fc.Arbitrary<Spoil>[] = [
        fc.constantFrom(...FIELDS.slice(0, 5)).map((field) => ({ field, remove: true as const })),
        notMatching(AGENCY_CODE).map(set('code')),
        notObject.map(set('names')),
        fc
          .record({
            fr: fc.oneof(notString, textWithControl, fc.constant(''), fc.constant('x'.repeat(201))),
            en: fc.string({ minLength: 1, maxLength: 20 }),
          })
          .map(set('names')),
        textWithControl.map((en) => set('names')({ fr: 'Organisme', en })),
        fc
          .tuple(unknownKey(['fr', 'en']), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>)
          .map(([k, v]) => set('names')({ fr: 'a', en: 'b', [k]: v })),
        notIn(SECTORS).map(set('sector')),
        notMatching(JURISDICTION).map(set('jurisdiction')),
        notIn(PRIVACY_REGIMES).map(set('privacyRegime')),
        fc
          .oneof(
            notObject.filter((v) => !Array.isArray(v)),
            fc.constant([] as Json),
            fc.array(notIn(ROLES), { minLength: 1, maxLength: 3 }),
            fc.constantFrom(...ROLES).map((r): Json => [r, r]),
            fc.constant([...ROLES, 'admin'] as Json),
          )
          .map(set('allowedRoles')),
        badKeyList().map(set('keys')),
        fc
          .tuple(unknownKey(FIELDS), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>)
          .map(([k, v]) => set(k)(v)),
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(...spoilers), { minLength: 1, maxLength: 3 }),
          async (spoils) => {
            const body = base();
            for (const spoil of spoils) {
              if ('remove' in spoil) delete body[spoil.field];
              else body[spoil.field] = spoil.value;
            }
            // Several huge strings together may pass the body limit: 413 is as good a refusal.
            await expectRefused(() => send('POST', '/v1/agencies', { body }), [400, 413]);
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  // ---------------------------------------------------------------- PATCH /v1/agencies/:id

  describe('PATCH /v1/agencies/:id', () => {
    const FIELDS = ['names', 'jurisdiction', 'privacyRegime', 'allowedRoles'];

    it('refuses any JSON value that is not an update', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          await expectRefused(() =>
            send('PATCH', `/v1/agencies/${target.id}`, { rawBody: JSON.stringify(body) }),
          );
        }),
        { ...RUNS, examples: [[null], [[]], ['x'], [0], [false], [{}]] },
      );
    });

    it('refuses a valid update with one part spoiled, and leaves the agency as it was', async () => {
      const spoilers: fc.Arbitrary<Record<string, Json>>[] = [
        notObject.map((names) => ({ names })),
        fc
          .oneof(notString, textWithControl, fc.constant(''), fc.constant('x'.repeat(201)))
          .map((fr) => ({ names: { fr, en: 'Agency' } })),
        fc.string({ maxLength: 20 }).map((fr) => ({ names: { fr } })),
        notMatching(JURISDICTION).map((jurisdiction) => ({ jurisdiction })),
        notIn(PRIVACY_REGIMES).map((privacyRegime) => ({ privacyRegime })),
        fc
          .oneof(fc.constant([]), fc.array(notIn(ROLES), { minLength: 1, maxLength: 3 }), notObject)
          .filter(
            (v) =>
              !(Array.isArray(v) && v.length > 0 && v.every((r) => ROLES.includes(r as never))),
          )
          .map((allowedRoles) => ({ allowedRoles: allowedRoles as Json })),
        fc
          .constantFrom('code', 'sector', 'status', 'id', 'keys', 'version', 'createdAt')
          .chain((k) => fc.jsonValue({ maxDepth: 1 }).map((v) => ({ [k]: v as Json }))),
        fc
          .tuple(unknownKey(FIELDS), fc.jsonValue({ maxDepth: 2 }))
          .map(([k, v]) => ({ [k]: v as Json })),
      ];
      await fc.assert(
        fc.asyncProperty(fc.oneof(...spoilers), fc.boolean(), async (spoiled, withValidField) => {
          // A valid change beside the bad part must not be applied either.
          const body = withValidField ? { jurisdiction: 'CA-ON', ...spoiled } : spoiled;
          await expectRefused(
            () => send('PATCH', `/v1/agencies/${target.id}`, { body }),
            [400, 413],
          );
        }),
        RUNS,
      );
    });
  });

  // ---------------------------------------------------------------- POST /v1/agencies/:id/keys

  describe('POST /v1/agencies/:id/keys', () => {
    it('refuses any JSON value that is not a key list', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          await expectRefused(() =>
            send('POST', `/v1/agencies/${target.id}/keys`, { rawBody: JSON.stringify(body) }),
          );
        }),
        { ...RUNS, examples: [[null], [[]], ['keys'], [1], [{}], [{ keys: [] }]] },
      );
    });

    it('refuses a key list with a bad part: no key of the list is added, good ones included', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            badKeyList().map((keys) => ({ keys })),
            fc
              .tuple(validKey(), unknownKey(['keys']), fc.jsonValue({ maxDepth: 1 }))
              .map(([key, k, v]) => ({ keys: [key], [k]: v }) as Json),
          ),
          async (body) => {
            await expectRefused(
              () => send('POST', `/v1/agencies/${target.id}/keys`, { body }),
              [400, 413],
              [
                'request.invalid',
                'request.malformed_body', // a generated value may hold a "__proto__" key
                'request.body_too_large',
                'agency.key_invalid',
                'agency.duplicate_kid',
              ],
            );
          },
        ),
        { numRuns: 150 },
      );
    });

    it('refuses a list that reuses a kid of the agency: 409, the new keys beside it are not added', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .array(validKey(), { maxLength: 4 })
            .map((keys) => [...new Map(keys.map((k) => [k.kid, k])).values()]),
          fc.nat(4),
          async (fresh, at) => {
            const list: unknown[] = [...fresh];
            list.splice(Math.min(at, list.length), 0, {
              kid: target.key.kid,
              jwk: pool[1].publicJwk,
            });
            await expectRefused(
              () => send('POST', `/v1/agencies/${target.id}/keys`, { body: { keys: list } }),
              [409],
              ['agency.key_exists'],
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  // ---------------------------------------------------------------- POST /v1/agencies/:id/suspend

  describe('POST /v1/agencies/:id/suspend', () => {
    it('refuses any body that is not a known reason code, and leaves the agency active', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            notIn(STATUS_REASONS).map((reason) => ({ reason })),
            fc
              .constantFrom(
                ...REVOCATION_REASONS.filter(
                  (r) => !(STATUS_REASONS as readonly string[]).includes(r),
                ),
              )
              .map((reason) => ({ reason })),
            fc
              .tuple(
                fc.constantFrom(...STATUS_REASONS),
                unknownKey(['reason']),
                fc.jsonValue({ maxDepth: 1 }),
              )
              .map(([reason, k, v]) => ({ reason, [k]: v })),
          ),
          async (body) => {
            await expectRefused(() =>
              send('POST', `/v1/agencies/${target.id}/suspend`, { rawBody: JSON.stringify(body) }),
            );
          },
        ),
        { ...RUNS, examples: [[null], [[]], ['security_incident'], [{ reason: null }], [{}]] },
      );
    });
  });

  // ---------------------------------------------------------------- every write route

  describe('every write route', () => {
    type Route = { name: string; method: string; path: () => string; valid: () => Json };
    const routes: Route[] = [
      {
        name: 'register',
        method: 'POST',
        path: () => '/v1/agencies',
        valid: () => ({
          code: 'fuzz-never-written',
          names: { fr: 'Organisme témoin', en: 'Control agency' },
          sector: 'police',
          jurisdiction: 'CA-QC',
          privacyRegime: 'QC-A-2.1',
        }),
      },
      {
        name: 'update',
        method: 'PATCH',
        path: () => `/v1/agencies/${target.id}`,
        valid: () => ({ jurisdiction: 'CA-ON' }),
      },
      {
        name: 'add keys',
        method: 'POST',
        path: () => `/v1/agencies/${target.id}/keys`,
        valid: () => ({ keys: [{ kid: pool[2].kid, jwk: pool[2].publicJwk as Json }] }),
      },
      {
        name: 'suspend',
        method: 'POST',
        path: () => `/v1/agencies/${target.id}/suspend`,
        valid: () => ({ reason: 'administrative' }),
      },
    ];
    const route = fc.constantFrom(...routes);

    it('a body that is not JSON: 400 request.malformed_body (or request.invalid if it parses)', async () => {
      await fc.assert(
        fc.asyncProperty(
          route,
          fc.oneof(
            fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
            fc.uint8Array({ minLength: 1, maxLength: 200 }),
            route.map((r) => JSON.stringify(r.valid()).slice(0, -1)),
            fc.constantFrom(
              '{',
              '{"reason":}',
              "{'reason':'administrative'}",
              'NaN',
              'undefined',
              '[1,]',
              '\ufeff{}',
            ),
          ),
          async (r, raw) => {
            let parses = true;
            try {
              // A leading byte order mark is allowed by the server's parser, not by JSON.parse.
              const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
              JSON.parse(text.replace(/^\ufeff/, ''));
            } catch {
              parses = false;
            }
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: raw }),
              [400],
              parses
                ? ['request.invalid', 'request.malformed_body', 'agency.empty_update']
                : ['request.malformed_body'],
            );
          },
        ),
        RUNS,
      );
    });

    it('a valid body under another content type: 415 request.unsupported_media_type', async () => {
      await fc.assert(
        fc.asyncProperty(
          route,
          fc.oneof(
            fc.constantFrom(
              'text/plain',
              'text/plain; charset=utf-8',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=xyz',
              'application/xml',
              'text/json',
              'application/jsonp',
              'application/octet-stream',
              'application/merge-patch+json',
              'application/problem+json',
            ),
            fc
              .tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z0-9.+-]{1,15}$/))
              .filter(([type, sub]) => !(type === 'application' && sub === 'json'))
              .map(([type, sub]) => `${type}/${sub}`),
          ),
          async (r, contentType) => {
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: JSON.stringify(r.valid()), contentType }),
              [415],
              ['request.unsupported_media_type'],
            );
          },
        ),
        RUNS,
      );
    });

    it('a deeply nested body (array, object or both, anywhere): 400 request.invalid', async () => {
      await fc.assert(
        fc.asyncProperty(
          route,
          fc.integer({ min: 33, max: 40_000 }),
          fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'>,
          fc.constantFrom('whole body', 'unknown property', 'declared property'),
          async (r, depth, kind, where) => {
            const deep = nestedText(depth, kind);
            const valid = r.valid() as Record<string, Json>;
            const raw =
              where === 'whole body'
                ? deep
                : where === 'unknown property'
                  ? withRaw({ ...valid, extra: '<deep>' }, '<deep>', deep)
                  : withRaw({ ...valid, [Object.keys(valid)[0]]: '<deep>' }, '<deep>', deep);
            expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: raw }),
              [400],
              ['request.invalid'],
            );
          },
        ),
        {
          numRuns: 60,
          examples: [
            [routes[0], 40_000, 'object', 'unknown property'],
            [routes[3], 100_000, 'array', 'whole body'],
            [routes[2], 40_000, 'mixed', 'declared property'],
          ],
        },
      );
    });

    it('huge strings within the body limit: 400, nothing written', async () => {
      await fc.assert(
        fc.asyncProperty(
          route,
          fc.integer({ min: 1_000, max: 250_000 }),
          fc.constantFrom('x', 'é', '\u0000', '😀'),
          fc.boolean(),
          async (r, length, unit, asValue) => {
            const valid = r.valid() as Record<string, Json>;
            const huge = unit.repeat(Math.floor(length / Buffer.byteLength(JSON.stringify(unit))));
            const body = asValue
              ? { ...valid, [Object.keys(valid)[0]]: huge }
              : { ...valid, [huge.slice(0, 100_000)]: 1 };
            const raw = JSON.stringify(body);
            if (Buffer.byteLength(raw) > BODY_LIMIT) return; // the 413 is the next property
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: raw }),
              [400],
              ['request.invalid'],
            );
          },
        ),
        { numRuns: 60 },
      );
    });

    it('a body over the 256 KiB limit: 413 request.body_too_large', async () => {
      await fc.assert(
        fc.asyncProperty(
          route,
          fc.integer({ min: BODY_LIMIT + 1, max: 3 * BODY_LIMIT }),
          fc.boolean(),
          async (r, size, valid) => {
            const raw = valid
              ? withRaw(
                  { ...(r.valid() as object), pad: '<pad>' },
                  '<pad>',
                  `"${'x'.repeat(size)}"`,
                )
              : 'x'.repeat(size);
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: raw }),
              [413],
              ['request.body_too_large'],
            );
          },
        ),
        { numRuns: 60 },
      );
    });

    it('__proto__, constructor, prototype or another inherited name as a key, at any depth: 400, no pollution', async () => {
      const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
      await fc.assert(
        fc.asyncProperty(
          route,
          // As JSON text: plain, or with an escape that only the parser turns into the name; then
          // names every object inherits, which class-transformer would drop without a word.
          fc.constantFrom(
            '"__proto__"',
            '"constructor"',
            '"prototype"',
            '"\\u005f_proto__"',
            '"constructo\\u0072"',
            '"toString"',
            '"valueOf"',
            '"hasOwnProperty"',
            '"__defineGetter__"',
          ),
          fc.oneof(
            fc.jsonValue({ maxDepth: 2 }),
            fc.constant({ polluted: true }),
            fc.constant({ prototype: { polluted: true } }),
          ),
          fc.constantFrom('top', 'nested in an unknown property', 'nested in a declared property'),
          async (r, key, value, where) => {
            const valid = r.valid() as Record<string, Json>;
            const slot = '<key>';
            const carrier =
              where === 'top'
                ? { [slot]: value, ...valid }
                : where === 'nested in an unknown property'
                  ? { ...valid, extra: { [slot]: value } }
                  : { ...valid, [Object.keys(valid)[0]]: { [slot]: value } };
            const raw = withRaw(carrier, slot, key);
            const name = Object.keys(JSON.parse(`{${key}:1}`))[0];
            expect(name in Object.prototype || name === 'prototype').toBe(true);
            await expectRefused(
              () => send(r.method, r.path(), { rawBody: raw }),
              [400],
              ['request.malformed_body', 'request.invalid'],
            );
            expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          },
        ),
        { numRuns: 80 },
      );
    });
  });

  it('after all of this, the target agency and the register are as they were made', async () => {
    const [row] = await t.dataSource.query(
      'SELECT status, version, jurisdiction FROM agency WHERE id = $1',
      [target.id],
    );
    expect(row).toEqual({ status: 'active', version: 1, jurisdiction: 'CA-QC' });
    expect(await countRows(t.dataSource)).toEqual({ agencies: 2, keys: 2 });
    const token = await target.token();
    expect((await t.request('GET', '/v1/agencies', { token })).status).toBe(200);
  });
});
