import fc from 'fast-check';
import { ROLES } from '../../src/common/auth/roles.js';
import { auditSize } from '../support/audit-helpers.js';
import { apiRouteTable, type RouteEntry } from '../support/route-table.js';
import {
  buildWorld,
  domainDigest,
  pathIn,
  validCalls,
  type ValidCall,
  type World,
} from '../support/security-world.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * Property-based, over every route of the route table (issue: security suite): whatever arrives as
 * a body, a path parameter or a query string, the broker answers a success or a 4xx RFC 9457
 * problem — never a 5xx — and a refused request writes nothing (no row changed, no audit record).
 * Requests carry valid tokens with the route's roles, on a real table's resources, so inputs that
 * pass validation reach the services and the database. Runs are bounded for CI (≈1,500 requests).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Percent-encodes any string, a lone surrogate as U+FFFD (URLs carry UTF-8 only). */
const encode = (value: string): string => encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));

const RUNS = { body: 16, path: 6, query: 5 } as const;

// ---------------------------------------------------------------- arbitraries

/** Values that break naive code: wrong types, edge numbers, odd unicode, long text, nulls. */
const nasty: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    null,
    '',
    0,
    -1,
    1.5,
    -0,
    2 ** 53 + 1,
    -(2 ** 63),
    1e308,
    -1e308,
    Number.MIN_VALUE,
    true,
    [],
    {},
    [null],
    '0',
    'null',
    'true',
    '2025-02-30',
    '9999-12-31T23:59:59Z',
    '00000000-0000-0000-0000-000000000000',
    '\u0000',
    '\ud800',
    '\u202e',
    '👩‍👩‍👧',
    "'; DROP TABLE agency; --",
    '{{7*7}}',
    '../../etc/passwd',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 300, max: 5000 }).map((n) => 'é'.repeat(n)),
  fc.array(fc.string({ maxLength: 8 }), { minLength: 30, maxLength: 300 }),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => Number(n)),
);

/** A key a DTO does not declare, or one that names an object's own machinery. */
const strangeKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'id', 'status'),
);

type Mutation =
  | { kind: 'set'; key: string; value: Json }
  | { kind: 'delete'; key: string }
  | { kind: 'extra'; key: string; value: Json }
  | { kind: 'nest'; key: string; value: Json };

/** One to three changes to a valid body: a member set to anything, removed, added or nested. */
function mutations(keys: readonly string[]): fc.Arbitrary<Mutation[]> {
  const key = keys.length ? fc.constantFrom(...keys) : strangeKey;
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: nasty }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('extra' as const),
          key: strangeKey,
          value: nasty,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('nest' as const), key, value: nasty }),
      },
    ),
    { minLength: 1, maxLength: 3 },
  );
}

/** Sets an own property, whatever its name (`__proto__` included): never a prototype's. */
function put(target: object, key: string, value: Json): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

function applyAll(body: unknown, changes: readonly Mutation[]): Json {
  const out = structuredClone((body ?? {}) as Record<string, Json>);
  for (const change of changes) {
    if (change.kind === 'delete') delete out[change.key];
    else if (change.kind === 'nest') {
      // Inside the member (an own one only: `out.__proto__` is Object.prototype, shared by the
      // broker running in this process): the first element of an array, a property of an object.
      const inner = Object.hasOwn(out, change.key) ? out[change.key] : undefined;
      if (Array.isArray(inner) && inner.length) inner[0] = change.value;
      else if (inner && typeof inner === 'object' && !Array.isArray(inner))
        put(inner, Object.keys(inner)[0] ?? 'x', change.value);
      else put(out, change.key, [change.value]);
    } else put(out, change.key, change.value);
  }
  return out;
}

/** The whole body: a mutated valid one, any JSON value, or raw text JSON parsers disagree on. */
function bodies(valid: unknown): fc.Arbitrary<{ json?: Json; raw?: string }> {
  const keys = valid && typeof valid === 'object' ? Object.keys(valid) : [];
  const text = JSON.stringify(valid ?? {});
  return fc.oneof(
    { weight: 6, arbitrary: mutations(keys).map((m) => ({ json: applyAll(valid, m) })) },
    {
      weight: 2,
      arbitrary: (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>).map((json) => ({ json })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          // Numbers JSON allows and JavaScript cannot hold; a duplicate key; a prototype key; a
          // trailing comma; a lone surrogate escaped; nothing; a BOM.
          text.replace(/}$/, ',"n":1e999}'),
          text.replace(/}$/, `,"n":${'9'.repeat(400)}}`),
          text.replace(/^{/, '{"status":"active",').replace(/}$/, ',"status":"closed"}'),
          text.replace(/^{/, '{"__proto__":{"admin":true},'),
          text.replace(/}$/, ',}'),
          text.replace(/}$/, ',"s":"\\udc00"}'),
          '',
          `\ufeff${text}`,
          'null',
          '[]',
        )
        .map((raw) => ({ raw: raw.replace('{,', '{') })),
    },
  );
}

/** What a path parameter may become: odd ids, encodings, traversal, numbers, long and odd text. */
const pathValue = (ids: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }).map(encode),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map(encode),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.uuid().map((u) => u.replace(/-/g, '')),
    fc.uuid().map((u) => `{${u}}`),
    fc.constantFrom(...ids),
    fc.constantFrom(
      '0',
      '-1',
      '1.5',
      '1e3',
      '9'.repeat(30),
      '%00',
      '%2e%2e',
      '..%2F..%2Fetc',
      '%25',
      '%E0%A4%A',
      '%zz',
      'null',
      'undefined',
      '__proto__',
      'x'.repeat(3000),
      '%F0%9F%91%A9',
      "'%20OR%201=1",
    ),
  );

/** A query string: documented names and others, odd values, repeats, brackets, bare keys. */
const queryString = (names: readonly string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        names.length
          ? fc.oneof(
              fc.constantFrom(...names),
              fc.constantFrom(...names).map((n) => `${n}[a]`),
              strangeKey,
            )
          : strangeKey,
        fc.oneof(
          nasty.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
          fc.constantFrom('', '-1', '1e400', '9'.repeat(40), 'true', '2025-13-40', 'NaN'),
        ),
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((pairs) => pairs.map(([k, v, bare]) => (bare ? encode(k) : `${encode(k)}=${encode(v)}`)))
    // Sometimes a malformed percent-encoding, sent as is.
    .chain((pairs) =>
      fc
        .option(fc.constantFrom('%zz', '%', 'a=%E0%A4%A', '%00=%00', 'a[b][c][d]=1', 'a=1&a=2&a=3'))
        .map((raw) => [...pairs, ...(raw === null ? [] : [raw])].join('&')),
    );

/** Enumerable properties every object inherits: none, unless something polluted a prototype. */
function inheritedEnumerables(): string[] {
  const found: string[] = [];
  for (const key in {}) found.push(key);
  for (const key in []) found.push(`[]${key}`);
  return found;
}

// ---------------------------------------------------------------- the suite

describe('every endpoint under arbitrary input (property-based)', () => {
  let app: TestApp;
  let world: World;
  let routes: RouteEntry[];
  let calls: Record<string, () => ValidCall>;
  let queryNames: Record<string, string[]>;

  beforeAll(async () => {
    app = await startTestApp();
    world = await buildWorld(app);
    routes = apiRouteTable(app.app);
    calls = validCalls(world);
    const doc = (
      await app.request<{
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      }>('GET', '/docs-json')
    ).body;
    queryNames = Object.fromEntries(
      routes.map((r) => [
        `${r.method} ${r.path}`,
        (doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]?.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name),
      ]),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const state = async () => ({ rows: await domainDigest(app), audit: await auditSize(app) });

  /**
   * The call a route's valid call names; for a read, the coordinating agency with every role (it
   * sees every case) on the world's resources.
   */
  const callerOf = (route: RouteEntry): ValidCall => {
    const key = `${route.method} ${route.path}`;
    return (
      calls[key]?.() ?? {
        path: pathIn(route.path, world.ids),
        agency: world.table,
        roles: [...ROLES],
      }
    );
  };

  /**
   * The invariant. A 5xx fails; a 4xx must be a problem (type, title, status, code, request id)
   * and leave every row as it was, the log holding at most the refusal's own record. Successes may
   * change state.
   */
  async function check(label: string, send: () => Promise<HttpResult<unknown>>): Promise<void> {
    const before = await state();
    const res = await send();
    const body = res.body as Record<string, unknown> | undefined;
    expect({ label, status: res.status, server: res.status >= 500 ? res.text : '' }).toEqual({
      label,
      status: expect.any(Number),
      server: '',
    });
    // The broker runs in this process: no input may reach Object.prototype (prototype pollution).
    expect({ label, polluted: inheritedEnumerables() }).toEqual({ label, polluted: [] });
    if (res.status < 400) return;
    expect({ label, type: res.headers.get('content-type') }).toEqual({
      label,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(body).toEqual(
      expect.objectContaining({
        type: `urn:filet:problem:${String(body?.code)}`,
        title: expect.any(String),
        status: res.status,
        code: expect.stringMatching(/^[a-z_]+(\.[a-z_]+)+$/),
        requestId: res.headers.get('x-request-id'),
      }),
    );
    // No partial write: every row as it was. The log may hold the refusal's own record (a refused
    // role, an unreplayable decision are recorded as failures), and nothing else.
    const after = await state();
    const added: { outcome: string }[] = await app.dataSource.query(
      `SELECT leaf::jsonb ->> 'outcome' AS outcome FROM audit_record WHERE seq >= $1 ORDER BY seq`,
      [before.audit],
    );
    expect({ label, rows: after.rows, added: added.map((r) => r.outcome) }).toEqual({
      label,
      rows: before.rows,
      added: added.map(() => 'failure'),
    });
  }

  async function forEachRoute(
    select: (route: RouteEntry) => boolean,
    property: (route: RouteEntry) => Promise<void>,
  ): Promise<number> {
    const chosen = routes.filter(select);
    for (const route of chosen) await property(route);
    return chosen.length;
  }

  it('bodies: every state-changing route answers a success or a 4xx problem, never a 5xx; a 4xx writes nothing', async () => {
    const covered = await forEachRoute(
      (r) => r.method !== 'GET',
      async (route) => {
        const key = `${route.method} ${route.path}`;
        expect({ route: key, hasValidCall: key in calls }).toEqual({
          route: key,
          hasValidCall: true,
        });
        await fc.assert(
          fc.asyncProperty(bodies(calls[key]().body), async (body) => {
            const call = calls[key]();
            await check(key, async () =>
              app.request(route.method, call.path, {
                token: await call.agency.token(call.roles),
                ...(body.raw !== undefined
                  ? { rawBody: body.raw, headers: { 'content-type': 'application/json' } }
                  : { body: body.json }),
              }),
            );
          }),
          { numRuns: RUNS.body },
        );
      },
    );
    expect(covered).toBeGreaterThan(30);
  });

  it('path parameters: every route that takes one answers a success or a 4xx problem, never a 5xx; a 4xx writes nothing', async () => {
    // Real ids of other kinds too (never an agency's: a valid suspension would lock the table out).
    const { agency: _agency, key: _key, ...others } = world.ids;
    const ids = Object.values(others);
    const covered = await forEachRoute(
      (r) => r.path.includes(':'),
      async (route) => {
        const key = `${route.method} ${route.path}`;
        const params = route.path.split('/').filter((s) => s.startsWith(':'));
        const valid = route.method === 'GET' ? undefined : callerOf(route);
        await fc.assert(
          fc.asyncProperty(
            fc.array(pathValue(ids), { minLength: params.length, maxLength: params.length }),
            async (values) => {
              let i = 0;
              const path = route.path
                .split('/')
                .map((s) => (s.startsWith(':') ? values[i++] : s))
                .join('/');
              const caller = callerOf(route);
              await check(`${key} ${path.slice(0, 200)}`, async () =>
                app.request(route.method, path, {
                  token: await caller.agency.token(caller.roles),
                  body: valid?.body,
                }),
              );
            },
          ),
          { numRuns: RUNS.path },
        );
      },
    );
    expect(covered).toBeGreaterThan(30);
  });

  it('query strings: every route answers a success or a 4xx problem, never a 5xx; a 4xx writes nothing', async () => {
    const covered = await forEachRoute(
      () => true,
      async (route) => {
        const key = `${route.method} ${route.path}`;
        await fc.assert(
          fc.asyncProperty(queryString(queryNames[key] ?? []), async (query) => {
            const caller = callerOf(route);
            const path = caller.path;
            await check(`${key} ?${query.slice(0, 200)}`, async () =>
              app.request(route.method, `${path}?${query}`, {
                token: await caller.agency.token(caller.roles),
                body: route.method === 'GET' ? undefined : caller.body,
              }),
            );
          }),
          { numRuns: RUNS.query },
        );
      },
    );
    expect(covered).toBe(routes.length);
  });
});
