import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import pg from 'pg';
import { ROLES, type Role } from '../../src/common/auth/roles.js';
import { loadConfig } from '../../src/config/app-config.js';
import {
  createAgency,
  generateTestKey,
  mintToken,
  type TestAgency,
} from '../factories/agency.factory.js';
import { highRiskCase } from '../factories/case.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { SEEDED_PERSONAL_DATA } from '../support/personal-data.js';
import { ENV_ADMIN_URL, requiredEnv } from '../support/test-env.js';
import { expectProblem } from '../support/problem.js';
import { apiRouteTable, type RouteEntry } from '../support/route-table.js';
import {
  buildWorld,
  domainDigest,
  pathIn,
  resourcesOf,
  STAFF,
  validCalls,
  type ResourceKind,
  type World,
  type WorldIds,
} from '../support/security-world.js';
import {
  startSecondInstance,
  startTestApp,
  type HttpResult,
  type TestApp,
} from '../support/test-app.js';

/**
 * OWASP API Security Top 10 (2023), one describe per risk, over real HTTP on real PostgreSQL.
 * Route lists come from the running application's route table, so a new route is covered (or the
 * suite fails and asks what it should expect). Every risk applies to the broker; API6 (sensitive
 * business flows) is the disclosure flow itself, held by the policy and the audit log (their own
 * suites) and by API4's per-agency limit, so it has no describe of its own.
 */

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: {
          content: Record<string, { schema: { $ref?: string; properties?: object } }>;
        };
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

const routeKey = (r: RouteEntry): string => `${r.method} ${r.path}`;
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');
const rolesOf = (r: RouteEntry): Role[] =>
  r.access.startsWith('roles:') ? (r.access.slice(6).split('|') as Role[]) : [];

/** Ids nothing holds, one per kind of parameter. */
const NONEXISTENT: WorldIds = {
  agency: randomUUID(),
  key: 'k-nonexistent',
  agreement: randomUUID(),
  case: randomUUID(),
  person: randomUUID(),
  consent: randomUUID(),
  item: randomUUID(),
  shelterItem: randomUUID(),
  decision: randomUUID(),
  review: randomUUID(),
  notice: randomUUID(),
  message: randomUUID(),
  webhook: randomUUID(),
  hold: randomUUID(),
  record: '987654321',
  assignedAgency: randomUUID(),
};

/** Agency B carries every role a member agency is granted: all but the network roles. */
const B_ROLES: Role[] = STAFF;

/**
 * Routes that take an id of agency A's world and answer agency B otherwise than 404, and why.
 * Besides these, a route only the network roles reach (`coordinator`, `admin`: the coordinating
 * agency's, which by design see every case and administer every agency) refuses B by role — 403
 * whatever the id, so it reveals nothing (API5 tries them all).
 */
const API1_EXCEPTIONS: Readonly<Record<string, { reason: string; status: number }>> = {
  'GET /v1/agencies/:id': {
    reason: 'the directory: every agency reads the others’ names and sectors, never their keys',
    status: 200,
  },
  'GET /v1/persons/:id/disclosure-report': {
    reason:
      'built from the records the caller’s agency is party to: for a person it has no part in, ' +
      'existing or not, the same empty report (checked below)',
    status: 200,
  },
};
const networkOnly = (route: RouteEntry): boolean =>
  route.access.startsWith('roles:') && !rolesOf(route).some((r) => STAFF.includes(r));

/** Properties no client may set on any resource (OWASP API3), with a plausible value each. */
const MASS_ASSIGNMENT: Readonly<Record<string, unknown>> = {
  id: '00000000-0000-4000-8000-000000000001',
  status: 'active',
  agencyId: '00000000-0000-4000-8000-000000000002',
  holderAgencyId: '00000000-0000-4000-8000-000000000003',
  requesterAgencyId: '00000000-0000-4000-8000-000000000004',
  referringAgencyId: '00000000-0000-4000-8000-000000000005',
  recipientAgencyId: '00000000-0000-4000-8000-000000000006',
  roles: ['admin'],
  allowedRoles: ['admin'],
  version: 99,
  createdAt: '2020-01-01T00:00:00Z',
  updatedAt: '2020-01-01T00:00:00Z',
  outcome: 'permit',
  decidedAt: '2020-01-01T00:00:00Z',
  acknowledgedAt: '2020-01-01T00:00:00Z',
  purgedAt: '2020-01-01T00:00:00Z',
  signedBy: 'someone',
  stage: 'closed',
  seq: 0,
  subject: 'someone-else',
};

/** A nested DTO inside a valid body, for the same check one level down. */
const NESTED: Readonly<Record<string, string>> = {
  'POST /v1/agencies': 'names',
  'POST /v1/agencies/:id/keys': 'keys.0',
  'POST /v1/agreements': 'flows.0',
  'POST /v1/agreements/:id/versions': 'flows.0',
};

function at(value: unknown, path: string): Record<string, unknown> {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value) as Record<string, unknown>;
}

/** A problem of a 4xx, as RFC 9457 says, with the request id and nothing internal. */
function expectCleanProblem(res: HttpResult<unknown>): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  const body = res.body as Record<string, unknown>;
  expectProblem(res, res.status, String(body?.code));
  const members = ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId', 'errors'];
  expect(Object.keys(body).filter((k) => !members.includes(k))).toEqual([]);
  expect(res.text).not.toMatch(/\n\s+at |node_modules|\.[jt]s:\d+|Error:|QueryFailed|SELECT |pg_/);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OWASP API Security Top 10 (2023)', () => {
  let app: TestApp;
  let world: World;
  let routes: RouteEntry[];
  let doc: Doc;

  beforeAll(async () => {
    app = await startTestApp();
    world = await buildWorld(app);
    routes = apiRouteTable(app.app);
    doc = (await app.request<Doc>('GET', '/docs-json')).body;
  });
  afterAll(async () => {
    await app.close();
  });

  const B = (): TestAgency => world.outsider;

  describe('API1:2023 Broken Object Level Authorization', () => {
    const OWNER: Readonly<Partial<Record<ResourceKind, () => [TestAgency, Role[]]>>> = {
      agency: () => [world.police, ['agency_user']],
      agreement: () => [world.police, ['agency_user']],
      case: () => [world.police, ['agency_user']],
      item: () => [world.police, ['agency_user']],
      decision: () => [world.police, ['agency_user']],
      review: () => [world.police, ['privacy_officer']],
      notice: () => [world.ontario, ['privacy_officer']],
      record: () => [world.police, ['privacy_officer']],
    };
    const withIds = () => routes.filter((r) => r.path.includes(':'));
    /** B acts for itself where a body names an agency (a user of its own, not of another agency). */
    const bodyForB = (key: string, body: unknown): unknown =>
      key === 'POST /v1/cases/:id/user-assignments'
        ? { ...(body as object), agencyId: B().id }
        : body;

    it('each of agency A’s ids is real: its rightful reader gets it (200)', async () => {
      const reads = withIds().filter((r) => r.method === 'GET' && !API1_EXCEPTIONS[routeKey(r)]);
      expect(reads.length).toBeGreaterThan(10);
      const answers: Record<string, number> = {};
      for (const route of reads) {
        const kind = resourcesOf(route.path).at(-1)!;
        const owner = OWNER[kind];
        expect({ route: routeKey(route), owner: Boolean(owner) }).toEqual({
          route: routeKey(route),
          owner: true,
        });
        const [agency, roles] = owner!();
        const res = await app.request('GET', pathIn(route.path, world.ids), {
          token: await agency.token(roles),
        });
        answers[routeKey(route)] = res.status;
      }
      expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, 200])));
    });

    it('agency B gets 404 — as for an id that does not exist — on every route that takes one, and nothing is written', async () => {
      const calls = validCalls(world);
      const before = await domainDigest(app);
      const tried = new Set<ResourceKind>();
      const wrong: unknown[] = [];
      for (const route of withIds()) {
        const key = routeKey(route);
        const kinds = resourcesOf(route.path);
        expect({ route: key, kinds: kinds.every(Boolean) }).toEqual({ route: key, kinds: true });
        const body = route.method === 'GET' ? undefined : bodyForB(key, calls[key]?.().body);
        const send = async (ids: WorldIds) =>
          app.request(route.method, pathIn(route.path, ids), {
            token: await B().token(B_ROLES),
            body,
          });
        const res = await send(world.ids);
        const exception = API1_EXCEPTIONS[key];
        if (exception) {
          if (res.status !== exception.status) wrong.push({ route: key, status: res.status });
          continue;
        }
        if (networkOnly(route)) {
          if (res.status !== 403 || res.body?.code !== 'auth.forbidden')
            wrong.push({ route: key, networkOnly: true, status: res.status });
          continue;
        }
        kinds.forEach((k) => tried.add(k!));
        const none = await send(NONEXISTENT);
        const seen = { status: res.status, code: res.body?.code };
        if (
          seen.status !== 404 ||
          !String(seen.code).endsWith('not_found') ||
          none.status !== 404 ||
          none.body?.code !== seen.code
        )
          wrong.push({ route: key, existing: seen, nonexistent: none.status, text: res.text });
        else expectCleanProblem(res);
      }
      expect(wrong).toEqual([]);
      // Every kind of resource of the world was tried somewhere, but those only network routes take
      // (a key: its revocation; an assigned agency: its unassignment), the person (its report,
      // checked below) and the shelter's item (a body member, not a path).
      expect([...tried].sort()).toEqual(
        (Object.keys(world.ids) as ResourceKind[])
          .filter((k) => !['key', 'assignedAgency', 'person', 'shelterItem'].includes(k))
          .sort(),
      );
      expect(await domainDigest(app)).toEqual(before);
    });

    it('the subject access report of A’s victim, asked by B, is B’s own empty part, as for a person who does not exist', async () => {
      const report = async (personId: string) =>
        app.request('GET', `/v1/persons/${personId}/disclosure-report`, {
          token: await B().token(['privacy_officer']),
        });
      // The table's privacy officer sees the releases about her: the person is real.
      const table = await app.request<{ entries: unknown[]; heldEntries: number }>(
        'GET',
        `/v1/persons/${world.ids.person}/disclosure-report`,
        { token: await world.table.token(['privacy_officer']) },
      );
      expect(table.status).toBe(200);
      expect(table.body.entries.length + table.body.heldEntries).toBeGreaterThan(0);
      const real = await report(world.ids.person);
      const none = await report(NONEXISTENT.person);
      expect([real.status, none.status]).toEqual([200, 200]);
      expect(real.body).toMatchObject({ entries: [], heldEntries: 0 });
      expect({ ...real.body, personId: 'x', generatedAt: 'x' }).toEqual({
        ...none.body,
        personId: 'x',
        generatedAt: 'x',
      });
    });

    it('the directory shows agency B agency A’s name and sector, never its keys', async () => {
      const res = await app.request('GET', `/v1/agencies/${world.police.id}`, {
        token: await B().token(B_ROLES),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: world.police.id, sector: 'police' });
      expect(res.text).not.toContain(world.police.key.kid);
      expect(res.body).not.toHaveProperty('keys');
    });

    it('agency B’s lists and searches, even filtered by agency A’s ids, show nothing of A’s', async () => {
      const { ids } = world;
      const secret = [
        ids.agreement,
        ids.case,
        ids.person,
        ids.consent,
        ids.item,
        ids.shelterItem,
        ids.decision,
        ids.review,
        ids.notice,
        ids.message,
        ids.webhook,
        ids.hold,
      ];
      const filters: Record<string, string> = {
        agencyId: ids.agency,
        holder: ids.agency,
        caseId: ids.case,
        personId: ids.person,
        decisionId: ids.decision,
      };
      const lists = routes.filter(
        (r) => r.method === 'GET' && !r.path.includes(':') && r.access !== 'public',
      );
      expect(lists.length).toBeGreaterThan(10);
      const leaks: unknown[] = [];
      for (const route of lists) {
        const params = doc.paths[route.path]?.get?.parameters ?? [];
        const query = new URLSearchParams(
          params
            .filter((p) => p.in === 'query' && filters[p.name])
            .map((p): [string, string] => [p.name, filters[p.name]]),
        );
        for (const path of new Set([
          route.path,
          query.size ? `${route.path}?${query}` : route.path,
        ])) {
          const res = await app.request('GET', path, { token: await B().token(B_ROLES) });
          expect(res.status).toBeLessThan(500);
          // B's own requests, recorded, name the ids B sent: they are B's, not A's.
          const items = (res.body as { items?: { record?: { actor?: { agencyId?: string } } }[] })
            ?.items;
          const text = Array.isArray(items)
            ? JSON.stringify(items.filter((i) => i.record?.actor?.agencyId !== B().id))
            : res.text;
          const found = secret.filter((id) => text.includes(id));
          if (found.length) leaks.push({ path, found });
        }
      }
      expect(leaks).toEqual([]);
    });
  });

  describe('API2:2023 Broken Authentication', () => {
    // auth.e2e-spec.ts tries every token rule on one route (alg none and HS256 key confusion,
    // expiry, nbf, iat, lifetime, audience, issuer, unknown, revoked and foreign keys, suspended
    // agencies, claims, replays across instances). Here: every guarded route applies them, and
    // the attacks that spec does not try.
    const now = (): number => Math.floor(Date.now() / 1000);
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = (agency: TestAgency, extra: Record<string, unknown> = {}) => ({
      iss: agency.id,
      sub: 'user-1',
      aud: 'urn:filet:broker',
      iat: now(),
      exp: now() + 120,
      jti: randomUUID(),
      roles: [...ROLES],
      ...extra,
    });

    /** Six ways a token fails, each with the code it must get. */
    const badTokens: [string, string, (a: TestAgency) => Promise<string>][] = [
      [
        'alg none',
        'auth.algorithm_not_allowed',
        async (a) => `${b64({ alg: 'none', kid: a.key.kid })}.${b64(claims(a))}.`,
      ],
      [
        'wrong audience',
        'auth.wrong_audience',
        (a) => a.token(['admin'], { audience: 'urn:other:broker' }),
      ],
      [
        'expired',
        'auth.token_expired',
        (a) => a.token(['admin'], { iat: now() - 400, exp: now() - 100 }),
      ],
      [
        'replayed jti',
        'auth.token_replayed',
        async (a) => {
          const token = await a.token(['agency_user']);
          expect((await app.request('GET', '/v1/policies', { token })).status).toBe(200);
          return token;
        },
      ],
      ['unknown kid', 'auth.unknown_key', (a) => a.token(['admin'], { headerKid: 'k-unknown' })],
      [
        'a key of another agency under this agency’s kid',
        'auth.bad_signature',
        async (a) => {
          const other = await generateTestKey('ES256', a.key.kid);
          return mintToken({ key: other, issuer: a.id, roles: ['admin'] });
        },
      ],
    ];

    it('every guarded route refuses each kind of bad token (401, its code, recorded), and writes nothing', async () => {
      const guarded = routes.filter((r) => r.access !== 'public');
      const before = await domainDigest(app);
      const size = await auditSize(app);
      const wrong: unknown[] = [];
      let sent = 0;
      for (const [i, route] of guarded.entries()) {
        // Two kinds per route, in turn: every route meets every rule's guard, every rule many routes.
        for (const [label, code, make] of [
          badTokens[i % badTokens.length],
          badTokens[(i + 3) % badTokens.length],
        ]) {
          const res = await app.request(route.method, pathIn(route.path, world.ids), {
            headers: { authorization: `Bearer ${await make(world.table)}` },
            body: route.method === 'GET' ? undefined : {},
          });
          sent += 1;
          if (res.status !== 401 || res.body?.code !== code)
            wrong.push({ route: routeKey(route), label, status: res.status, code: res.body?.code });
        }
      }
      expect(wrong).toEqual([]);
      expect(await domainDigest(app)).toEqual(before);
      // One `auth.failure` record per refusal; the replay's first, valid use recorded nothing.
      const failures: { n: number }[] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_record WHERE seq >= $1 AND action = 'auth.failure'`,
        [size],
      );
      expect(failures[0].n).toBe(sent);
    });

    it('key URLs in the header (jku, x5u) are never fetched, and an embedded key is not trusted', async () => {
      const fetched: string[] = [];
      const trap: Server = createServer((req, res) => {
        fetched.push(req.url ?? '');
        res.end('{"keys":[]}');
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/jwks.json`;
        const attacker = await generateTestKey('ES256', world.table.key.kid);
        for (const header of [{ jku: url }, { x5u: url }, { jwk: attacker.publicJwk }]) {
          const token = await new SignJWT(claims(world.table))
            .setProtectedHeader({ alg: 'ES256', kid: world.table.key.kid, ...header })
            .sign(attacker.privateKey);
          const res = await app.request('GET', '/v1/agencies', { token });
          expectProblem(res, 401, 'auth.bad_signature');
        }
        expect(fetched).toEqual([]);
      } finally {
        await new Promise((resolve) => trap.close(resolve));
      }
    });

    it('an unknown critical header extension is refused, validly signed as it is', async () => {
      // jose will not sign it: signed here by hand (ES256 is P-256 ECDSA over SHA-256, r‖s).
      const signed = async (header: Record<string, unknown>): Promise<string> => {
        const input = `${b64(header)}.${b64(claims(world.table))}`;
        const signature = await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          world.table.key.privateKey,
          new TextEncoder().encode(input),
        );
        return `${input}.${Buffer.from(signature).toString('base64url')}`;
      };
      // The same hand signing without the extension is accepted: the refusal is the extension's.
      const plain = await signed({ alg: 'ES256', kid: world.table.key.kid });
      expect((await app.request('GET', '/v1/agencies', { token: plain })).status).toBe(200);
      const token = await signed({
        alg: 'ES256',
        kid: world.table.key.kid,
        crit: ['x-filet'],
        'x-filet': 1,
      });
      const res = await app.request('GET', '/v1/agencies', { token });
      expectProblem(res, 401, 'auth.malformed_token');
    });

    it('a kid crafted as SQL or a path finds no key', async () => {
      for (const kid of ["' OR '1'='1", '../../../../dev/null', 'k1; DROP TABLE agency_key']) {
        const res = await app.request('GET', '/v1/agencies', {
          token: await world.table.token(['agency_user'], { headerKid: kid }),
        });
        expect(res.status).toBe(401);
        expect(['auth.unknown_key', 'auth.missing_key_id']).toContain(res.body.code);
      }
      const [{ n }]: { n: number }[] = await app.dataSource.query(
        'SELECT count(*)::int AS n FROM agency_key',
      );
      expect(n).toBeGreaterThan(0);
    });

    it('a token is read from the Authorization header only, never from the query string', async () => {
      const token = await world.table.token(['agency_user']);
      for (const name of ['access_token', 'token', 'jwt']) {
        expectProblem(
          await app.request('GET', `/v1/agencies?${name}=${token}`),
          401,
          'auth.missing_token',
        );
      }
    });

    it('a token spent on a refused request (403, 404) cannot be used again', async () => {
      const forbidden = await world.police.token(['agency_user']);
      expectProblem(
        await app.request('GET', '/v1/audit/records', { token: forbidden }),
        403,
        'auth.forbidden',
      );
      expectProblem(
        await app.request('GET', '/v1/audit/keys', { token: forbidden }),
        401,
        'auth.token_replayed',
      );
      const notFound = await B().token(['agency_user']);
      expect(
        (await app.request('GET', `/v1/cases/${world.ids.case}`, { token: notFound })).status,
      ).toBe(404);
      expectProblem(
        await app.request('GET', '/v1/audit/keys', { token: notFound }),
        401,
        'auth.token_replayed',
      );
    });
  });

  describe('API3:2023 Broken Object Property Level Authorization', () => {
    /** What a route's request body declares, from the OpenAPI document. */
    const declared = (route: RouteEntry): string[] => {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      const schema = op?.requestBody?.content['application/json']?.schema;
      if (!schema) return [];
      const resolved = schema.$ref
        ? doc.components.schemas[schema.$ref.split('/').at(-1)!]
        : (schema as { properties?: Record<string, unknown> });
      return Object.keys(resolved?.properties ?? {});
    };

    it('every create, update and action route refuses each property it does not take (400, named), and writes nothing', async () => {
      const calls = validCalls(world);
      const changing = routes.filter((r) => r.method !== 'GET');
      expect(changing.length).toBeGreaterThan(30);
      const before = await domainDigest(app);
      const size = await auditSize(app);
      const wrong: unknown[] = [];
      let checked = 0;
      for (const route of changing) {
        const key = routeKey(route);
        expect({ route: key, hasValidCall: key in calls }).toEqual({
          route: key,
          hasValidCall: true,
        });
        const own = declared(route);
        for (const [property, value] of Object.entries(MASS_ASSIGNMENT)) {
          if (own.includes(property)) continue;
          const call = calls[key]();
          const body = { ...((call.body as object) ?? {}), [property]: value };
          const res = await app.request(route.method, call.path, {
            token: await call.agency.token(call.roles),
            body,
          });
          checked += 1;
          if (
            res.status !== 400 ||
            res.body?.code !== 'request.invalid' ||
            JSON.stringify(res.body.errors) !==
              JSON.stringify([{ property, constraints: ['whitelistValidation'] }])
          )
            wrong.push({ route: key, property, status: res.status, errors: res.body?.errors });
        }
        const nested = NESTED[key];
        if (nested) {
          const call = calls[key]();
          const body = structuredClone(call.body) as Record<string, unknown>;
          at(body, nested).status = 'active';
          const res = await app.request(route.method, call.path, {
            token: await call.agency.token(call.roles),
            body,
          });
          checked += 1;
          const errors = (res.body?.errors ?? []) as { property: string; constraints: string[] }[];
          if (
            res.status !== 400 ||
            !errors.some(
              (e) =>
                e.property === `${nested}.status` && e.constraints.includes('whitelistValidation'),
            )
          )
            wrong.push({ route: key, property: `${nested}.status`, status: res.status, errors });
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(changing.length * 10);
      expect(await domainDigest(app)).toEqual(before);
      expect(await auditSize(app)).toBe(size);
    });

    it('a party to the case reads its own items only: another holder’s item and fields stay out of its answers', async () => {
      // The police’s item, read by the shelter (assigned to the same case): 404, and absent from its list.
      const res = await app.request('GET', `/v1/information/${world.ids.item}`, {
        token: await world.shelter.token(['agency_user']),
      });
      expect(res.status).toBe(404);
      const list = await app.request('GET', `/v1/cases/${world.ids.case}/information`, {
        token: await world.shelter.token(['agency_user']),
      });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(world.ids.item);
      expect(list.text).not.toContain('licence_holder');
    });
  });

  describe('API4:2023 Unrestricted Resource Consumption', () => {
    let limited: TestApp;
    beforeAll(async () => {
      // Another instance on the same database, with a limit low enough to meet: 5 at once, then one
      // every 5 seconds — slow enough that a loaded machine cannot refill the bucket mid-test.
      limited = await startSecondInstance(app, {
        FILET_RATE_LIMIT_PER_MINUTE: '12',
        FILET_RATE_LIMIT_BURST: '5',
      });
    });
    afterAll(async () => {
      await limited.close();
    });

    const recordsOf = async (action: string, since: number) =>
      (await app.dataSource.query(
        `SELECT leaf::jsonb AS entry FROM audit_record WHERE seq >= $1 AND action = $2 ORDER BY seq`,
        [since, action],
      )) as { entry: { actor: { agencyId: string | null }; targets: Record<string, string> } }[];

    it('an agency past its burst gets 429 with Retry-After, in its language; another agency is served; the run of refusals is recorded once; nothing is written', async () => {
      const x = await createAgency(app.dataSource);
      const y = await createAgency(app.dataSource);
      const size = await auditSize(app);
      for (let i = 0; i < 5; i++)
        expect(
          (await limited.request('GET', '/v1/policies', { token: await x.token() })).status,
        ).toBe(200);
      const first = await limited.request('GET', '/v1/policies', { token: await x.token() });
      const problem = expectProblem(first, 429, 'rate_limit.exceeded');
      expect(problem.title).toBe(
        'Trop de requêtes : réessayez après le délai indiqué par « Retry-After ».',
      );
      const retryAfter = Number(first.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
      expect(first.headers.get('filet-audit-receipt')).toEqual(expect.any(String));

      const before = await domainDigest(app);
      const again = await limited.request('POST', '/v1/cases', {
        token: await x.token(['agency_user']),
        body: { reason: 'strangulation', incidentDate: '2025-11-20' },
        headers: { 'accept-language': 'en' },
      });
      expect(expectProblem(again, 429, 'rate_limit.exceeded').title).toBe(
        'Too many requests: retry after the delay given in "Retry-After".',
      );
      expect(again.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(again.headers.get('filet-audit-receipt')).toBeNull();
      expect(await domainDigest(app)).toEqual(before);

      expect(
        (await limited.request('GET', '/v1/policies', { token: await y.token() })).status,
      ).toBe(200);
      const recorded = await recordsOf('rate_limit.exceeded', size);
      expect(recorded.map((r) => [r.entry.actor.agencyId, r.entry.targets.scope])).toEqual([
        [x.id, 'agency'],
      ]);

      // After the delay it gave, the agency is served again.
      await sleep(retryAfter * 1000);
      expect(
        (await limited.request('GET', '/v1/policies', { token: await x.token() })).status,
      ).toBe(200);
    });

    it('forged tokens are limited per client address, without limiting the agencies at that address', async () => {
      const size = await auditSize(app);
      const forged = async () =>
        limited.request('GET', '/v1/agencies', {
          headers: {
            authorization: `Bearer ${await world.table.token(['admin'], { headerKid: 'k-guess' })}`,
          },
        });
      for (let i = 0; i < 5; i++) expectProblem(await forged(), 401, 'auth.unknown_key');
      const refused = await forged();
      expectProblem(refused, 429, 'rate_limit.exceeded');
      expectProblem(await forged(), 429, 'rate_limit.exceeded');
      // A valid token from the same address is not the flood's.
      const z = await createAgency(app.dataSource);
      expect(
        (await limited.request('GET', '/v1/agencies', { token: await z.token() })).status,
      ).toBe(200);
      // Five 401s recorded, then the run of 429s once, with no actor (the token proved nothing).
      expect((await recordsOf('auth.failure', size)).length).toBe(5);
      expect(
        (await recordsOf('rate_limit.exceeded', size)).map((r) => [
          r.entry.actor.agencyId,
          r.entry.targets.scope,
        ]),
      ).toEqual([[null, 'address']]);
    });

    it('health probes and the documentation are not limited', async () => {
      for (let i = 0; i < 12; i++) {
        expect((await limited.request('GET', '/health')).status).toBe(200);
        expect((await limited.request('GET', '/docs-json')).status).toBe(200);
      }
    });

    it('a body over the limit gets 413 on every route that takes one, before authentication', async () => {
      const big = JSON.stringify({ text: 'x'.repeat(app.config.bodyLimitBytes) });
      const before = await domainDigest(app);
      const statuses: Record<string, string> = {};
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        const res = await app.request(route.method, pathIn(route.path, world.ids), {
          rawBody: big,
          headers: { 'content-type': 'application/json' },
        });
        statuses[routeKey(route)] = `${res.status} ${res.body?.code}`;
      }
      expect(Object.values(statuses).every((s) => s === '413 request.body_too_large')).toBe(true);
      expect(await domainDigest(app)).toEqual(before);
    });

    it('every string of every body is bounded, and so is every array (400 naming the property)', async () => {
      const calls = validCalls(world);
      const before = await domainDigest(app);
      const wrong: unknown[] = [];
      let checked = 0;
      for (const [key, make] of Object.entries(calls)) {
        const [method] = key.split(' ');
        const body = make().body as Record<string, unknown> | undefined;
        if (!body) continue;
        for (const [property, value] of Object.entries(body)) {
          let spoiled: unknown;
          if (typeof value === 'string') spoiled = 'é'.repeat(60_000);
          else if (Array.isArray(value)) {
            // As many elements as fit under the body limit (a larger body is a 413, above).
            let length = 5_000;
            do
              spoiled = Array.from(
                { length: (length = Math.floor(length / 2)) },
                () => value[0] ?? 'x',
              );
            while (JSON.stringify(spoiled).length > app.config.bodyLimitBytes * 0.8);
            expect(length).toBeGreaterThan(100);
          } else continue;
          const call = make();
          const res = await app.request(method, call.path, {
            token: await call.agency.token(call.roles),
            body: { ...(call.body as object), [property]: spoiled },
          });
          checked += 1;
          const named = ((res.body?.errors ?? []) as { property: string }[]).some(
            (e) => e.property === property || e.property.startsWith(`${property}.`),
          );
          if (res.status !== 400 || !named)
            wrong.push({ route: key, property, status: res.status, code: res.body?.code });
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(40);
      expect(await domainDigest(app)).toEqual(before);
    });

    it('deep JSON is refused (400), however deep, on every route that takes a body', async () => {
      const calls = validCalls(world);
      for (const depth of [40, 20_000]) {
        const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        for (const [key, make] of Object.entries(calls)) {
          const call = make();
          if (!call.body || key.startsWith('DELETE')) continue;
          const res = await app.request(key.split(' ')[0], call.path, {
            token: await call.agency.token(call.roles),
            rawBody: JSON.stringify({ ...(call.body as object), deep: 0 }).replace(
              '0}',
              `${deep}}`,
            ),
            headers: { 'content-type': 'application/json' },
          });
          expect({ route: key, depth, status: res.status }).toEqual({
            route: key,
            depth,
            status: 400,
          });
          expectCleanProblem(res);
        }
      }
    });
  });

  describe('API5:2023 Broken Function Level Authorization', () => {
    it('every route restricted to roles refuses a token carrying any other role, or all of them (403, recorded), and writes nothing', async () => {
      const restricted = routes.filter((r) => r.access.startsWith('roles:'));
      expect(restricted.length).toBeGreaterThan(30);
      const before = await domainDigest(app);
      const size = await auditSize(app);
      const wrong: unknown[] = [];
      let sent = 0;
      for (const route of restricted) {
        const allowed = rolesOf(route);
        const others = ROLES.filter((r) => !allowed.includes(r));
        for (const roles of [...others.map((r) => [r]), others]) {
          if (roles.length === 0) continue;
          // The coordinating agency, granted every role: only the token's roles decide.
          const res = await app.request(route.method, pathIn(route.path, NONEXISTENT), {
            token: await world.table.token(roles),
            body: route.method === 'GET' ? undefined : {},
          });
          sent += 1;
          if (res.status !== 403 || res.body?.code !== 'auth.forbidden')
            wrong.push({ route: routeKey(route), roles, status: res.status, code: res.body?.code });
        }
      }
      expect(wrong).toEqual([]);
      expect(sent).toBeGreaterThan(restricted.length * 2);
      expect(await domainDigest(app)).toEqual(before);
      const [{ n }]: { n: number }[] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_record WHERE seq >= $1 AND action = 'auth.forbidden'`,
        [size],
      );
      expect(n).toBe(sent);
    });

    it('the whole-log export is for the coordinating agency’s privacy officers only', async () => {
      expectProblem(
        await app.request('GET', '/v1/audit/export', {
          token: await world.police.token(['privacy_officer']),
        }),
        403,
        'auth.forbidden',
      );
      const res = await app.request('GET', '/v1/audit/export', {
        token: await world.table.token(['privacy_officer']),
      });
      expect(res.status).toBe(200);
    });
  });

  describe('API7:2023 Server Side Request Forgery', () => {
    const REFUSED = [
      'http://hooks.example.org/filet',
      'https://user:secret@hooks.example.org/filet',
      'https://hooks.example.org/filet#fragment',
      'https://127.0.0.1/hook',
      'https://127.1/hook',
      'https://2130706433/hook',
      'https://0x7f000001/hook',
      'https://0177.0.0.1/hook',
      'https://localhost/hook',
      'https://LOCALHOST./hook',
      'https://service.internal/hook',
      'https://intranet/hook',
      'https://0.0.0.0/hook',
      'https://10.1.2.3/hook',
      'https://172.16.5.4/hook',
      'https://192.168.1.1/hook',
      'https://100.64.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://100.100.100.200/latest/meta-data/',
      'https://[::1]/hook',
      'https://[::]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:a9fe:a9fe]/hook',
      'https://[fe80::1]/hook',
      'https://[fd00:ec2::254]/latest/meta-data/',
      'https://[fc00::1]/hook',
      'https://[64:ff9b::a9fe:a9fe]/hook',
      'https://[2002:7f00:1::]/hook',
      'https://224.0.0.1/hook',
      'ftp://hooks.example.org/filet',
      'file:///etc/passwd',
      'not a url',
    ];

    it('outside the demo, webhook URLs to loopback, private, link-local, metadata or non-https targets are refused, and nothing is written', async () => {
      expect(app.config.webhookAllowPrivate).toBe(false);
      const before = await domainDigest(app);
      const answers: Record<string, string> = {};
      for (const url of REFUSED) {
        const res = await app.request('POST', '/v1/webhooks', {
          token: await B().token(['agency_user']),
          body: { url },
        });
        answers[url] = `${res.status} ${res.body?.code}`;
      }
      expect(answers).toEqual(
        Object.fromEntries(REFUSED.map((url) => [url, '422 webhook.insecure_url'])),
      );
      expect(await domainDigest(app)).toEqual(before);
      const ok = await app.request('POST', '/v1/webhooks', {
        token: await B().token(['agency_user']),
        body: { url: 'https://hooks.example.org/filet' },
      });
      expect(ok.status).toBe(201);
    });

    it('production never allows private webhooks, whatever FILET_WEBHOOK_ALLOW_PRIVATE says', () => {
      const env = { DATABASE_URL: 'postgres://x@db.example.org/filet' };
      expect(
        loadConfig({ ...env, NODE_ENV: 'production', FILET_WEBHOOK_ALLOW_PRIVATE: 'true' })
          .webhookAllowPrivate,
      ).toBe(false);
      expect(loadConfig({ ...env, NODE_ENV: 'development' }).webhookAllowPrivate).toBe(false);
    });
  });

  describe('API8:2023 Security Misconfiguration', () => {
    const API_HEADERS = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };

    it('every response — data, errors, docs — carries the security headers and no server banner', async () => {
      const token = async (roles: Role[] = ['agency_user']) => world.police.token(roles);
      const samples: [string, () => Promise<HttpResult<unknown>>, number][] = [
        ['health', () => app.request('GET', '/health'), 200],
        [
          'data',
          async () => app.request('GET', `/v1/cases/${world.ids.case}`, { token: await token() }),
          200,
        ],
        [
          'write',
          async () =>
            app.request('POST', '/v1/cases', {
              token: await token(),
              body: { reason: 'strangulation', incidentDate: '2025-11-20' },
            }),
          201,
        ],
        [
          'malformed JSON',
          async () =>
            app.request('POST', '/v1/cases', {
              token: await token(),
              rawBody: '{"reason":',
              headers: { 'content-type': 'application/json' },
            }),
          400,
        ],
        [
          'invalid body',
          async () =>
            app.request('POST', '/v1/cases', { token: await token(), body: { reason: 42 } }),
          400,
        ],
        ['no token', () => app.request('GET', '/v1/cases'), 401],
        [
          'forbidden',
          async () => app.request('GET', '/v1/audit/records', { token: await token() }),
          403,
        ],
        [
          'not found',
          async () => app.request('GET', `/v1/cases/${randomUUID()}`, { token: await token() }),
          404,
        ],
        ['no route', () => app.request('GET', '/v1/nothing-here'), 404],
        [
          'too large',
          () =>
            app.request('POST', '/v1/cases', {
              rawBody: 'x'.repeat(app.config.bodyLimitBytes + 1),
              headers: { 'content-type': 'application/json' },
            }),
          413,
        ],
        [
          'text/plain',
          () =>
            app.request('POST', '/v1/cases', {
              rawBody: 'hello',
              headers: { 'content-type': 'text/plain' },
            }),
          415,
        ],
        ['OpenAPI document', () => app.request('GET', '/docs-json'), 200],
        // Refused by the router or the HTTP parser, before any hook.
        ['bad percent-encoding', () => app.request('GET', '/v1/cases/%zz'), 400],
        ['over-long path parameter', () => app.request('GET', `/v1/cases/${'x'.repeat(500)}`), 414],
        [
          'headers too large',
          () => app.request('GET', '/v1/cases', { headers: { 'x-padding': 'x'.repeat(20_000) } }),
          431,
        ],
      ];
      for (const [label, send, status] of samples) {
        const res = await send();
        expect({ label, status: res.status }).toEqual({ label, status });
        expect({
          label,
          headers: Object.fromEntries(Object.keys(API_HEADERS).map((h) => [h, res.headers.get(h)])),
        }).toEqual({ label, headers: API_HEADERS });
        expect(res.headers.get('content-security-policy')).toBe(
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        );
        expect(res.headers.get('x-powered-by')).toBeNull();
        expect(res.headers.get('server')).toBeNull();
        expect(res.headers.get('strict-transport-security')).toBeNull();
        if (status >= 400) expectCleanProblem(res);
      }
    });

    it('the docs page gets a policy that lets it run: its scripts are its own, none inline', async () => {
      const page = await app.request('GET', '/docs');
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/src="\.\/docs\/[\w.-]+\.js"/);
        expect(inline.trim()).toBe('');
      }
      for (const src of scripts.map(
        ([, attributes]) => /src="\.\/([\w./-]+)"/.exec(attributes)![1],
      )) {
        const asset = await app.request('GET', `/${src}`);
        expect({ src, status: asset.status }).toEqual({ src, status: 200 });
        expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('behind https (FILET_PUBLIC_URL https://…), every response carries Strict-Transport-Security', async () => {
      const https = await startSecondInstance(app, {
        FILET_PUBLIC_URL: 'https://filet.example.org',
      });
      try {
        for (const res of [
          await https.request('GET', '/health'),
          await https.request('GET', '/v1/cases'),
          await https.request('GET', '/docs'),
        ])
          expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      } finally {
        await https.close();
      }
    });

    it('a database refusing connections answers 503, revealing nothing but a code and the request id', async () => {
      const own = await startTestApp();
      // The server's administrator, connected elsewhere than the database it closes.
      const admin = new pg.Client({ connectionString: requiredEnv(ENV_ADMIN_URL) });
      await admin.connect();
      try {
        const agency = await createAgency(own.dataSource);
        await admin.query(`ALTER DATABASE "${own.database.name}" ALLOW_CONNECTIONS false`);
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [own.database.name],
        );
        const res = await own.request('GET', '/v1/cases', { token: await agency.token() });
        expectProblem(res, 503, 'service.unavailable');
        expect(res.headers.get('retry-after')).toEqual(expect.any(String));
        expect(res.text).not.toMatch(
          /\n\s+at |node_modules|\.[jt]s:\d+|Error|database|connect|pg_/i,
        );
        expect(res.headers.get('cache-control')).toBe('no-store');
      } finally {
        await admin.query(`ALTER DATABASE "${own.database.name}" ALLOW_CONNECTIONS true`);
        await admin.end();
        await own.close();
      }
    });
  });

  describe('API9:2023 Improper Inventory Management', () => {
    it('the OpenAPI document describes every route, and nothing that is not one', () => {
      const served = routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
      const documented = Object.entries(doc.paths)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      expect(documented).toEqual(served);
    });

    it('no undocumented method or path answers: 404 problem, before any authentication', async () => {
      const probes: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
          if (!ops[method.toLowerCase()])
            probes.push(`${method} ${path.replace(/\{\w+\}/g, randomUUID())}`);
        }
      }
      for (const path of [
        '/metrics',
        '/admin',
        '/debug',
        '/status',
        '/v0/agencies',
        '/v2/agencies',
        '/api/v1/agencies',
        '/V1/AGENCIES',
        '/swagger.json',
        '/openapi.json',
        '/graphql',
        '/.env',
        '/.git/config',
        '/actuator/health',
        '/server-status',
        '/v1/users',
        '/v1/tokens',
        '/v1/audit',
        '/v1/internal',
      ])
        probes.push(`GET ${path}`);
      const wrong: unknown[] = [];
      for (const probe of probes) {
        const [method, path] = probe.split(' ');
        const res = await app.request(method, path, { token: await world.table.token([...ROLES]) });
        if (res.status !== 404 || res.body?.code !== 'route.not_found')
          wrong.push({ probe, status: res.status });
      }
      expect(wrong).toEqual([]);
      expect(probes.length).toBeGreaterThan(100);
    });
  });

  describe('API10:2023 Unsafe Consumption of APIs', () => {
    it('a webhook receiver’s redirect is not followed, and its answer is kept as a code, never its body', async () => {
      const trapped: string[] = [];
      const trap = createServer((req, res) => {
        trapped.push(`${req.method} ${req.url}`);
        res.end();
      });
      const receiver = createServer((req, res) => {
        req.resume();
        res.writeHead(302, {
          location: `http://127.0.0.1:${(trap.address() as AddressInfo).port}/stolen`,
        });
        res.end(`<html>${SEEDED_PERSONAL_DATA.join(' ')}</html>`);
      });
      for (const server of [trap, receiver])
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const demo = await startTestApp({
        FILET_WEBHOOK_ALLOW_PRIVATE: 'true',
        FILET_WEBHOOK_POLL_MS: '50',
        FILET_WEBHOOK_RETRY_BASE_MS: '60000',
      });
      try {
        const table = await createAgency(demo.dataSource, { sector: 'coordination' });
        const police = await createAgency(demo.dataSource, { sector: 'police' });
        const shelter = await createAgency(demo.dataSource, { sector: 'shelter' });
        const { caseId } = await highRiskCase(demo, {
          referrer: police,
          coordinator: table,
          assigned: [police, shelter],
        });
        const hook = await demo.request<{ id: string }>('POST', '/v1/webhooks', {
          token: await shelter.token(['agency_user']),
          body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/filet` },
        });
        expect(hook.status).toBe(201);
        const change = await demo.request('POST', `/v1/cases/${caseId}/risk-changes`, {
          token: await police.token(['agency_user']),
          body: {
            kind: 'program_dropout',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
          },
        });
        expect(change.status).toBe(201);
        let view: { lastError: string | null; deliveries: { pending: number } } | undefined;
        for (let i = 0; i < 200 && !view?.lastError; i++) {
          await sleep(50);
          const list = await demo.request<(typeof view)[]>('GET', '/v1/webhooks', {
            token: await shelter.token(['agency_user']),
          });
          view = list.body[0];
        }
        expect(view).toMatchObject({ lastError: 'http_302', deliveries: { pending: 1 } });
        expect(trapped).toEqual([]);
        const stored: { text: string }[] = await demo.dataSource.query(
          'SELECT row_to_json(d)::text AS text FROM webhook_delivery d',
        );
        for (const personal of SEEDED_PERSONAL_DATA) expect(stored[0].text).not.toContain(personal);
      } finally {
        await demo.close();
        for (const server of [trap, receiver])
          await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('personal data sent to the broker never reaches its logs (checked at teardown)', () => {
    it('sends every seeded name, address and phone number in bodies, queries, paths and headers', async () => {
      // The global teardown reads every log line of the run's brokers for these (see
      // test/support/log-check.ts); this makes sure each one was sent at least once.
      for (const personal of SEEDED_PERSONAL_DATA) {
        const responses = [
          await app.request('POST', `/v1/cases/${world.ids.case}/risk-changes`, {
            token: await world.police.token(['agency_user']),
            body: {
              kind: 'new_threat',
              occurredAt: personal,
              summary: personal,
              contactPoint: personal,
            },
          }),
          await app.request('GET', `/v1/cases?stage=${encodeURIComponent(personal)}`, {
            token: await world.police.token(['agency_user']),
            headers: { 'x-person': encodeURIComponent(personal), 'x-request-id': personal },
          }),
          await app.request('GET', `/v1/cases/${encodeURIComponent(personal)}`, {
            headers: { authorization: `Bearer ${encodeURIComponent(personal)}` },
          }),
        ];
        expect(responses.map((r) => r.status)).toEqual([400, 400, 401]);
        // Problems name properties, never values (the third one's `instance` is the path sent).
        for (const res of responses.slice(0, 2)) expect(res.text).not.toContain(personal);
      }
    });
  });
});
