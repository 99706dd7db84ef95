import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, generateSecret, type JWK } from 'jose';
import { ROLES, type Role } from '../../src/common/auth/roles.js';
import {
  createAgency,
  generateTestKey,
  mintToken,
  registrationBody,
  type TestAgency,
  type TestKey,
} from '../factories/agency.factory.js';
import { countRows, expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DIRECTORY_FIELDS = [
  'code',
  'id',
  'jurisdiction',
  'names',
  'privacyRegime',
  'sector',
  'status',
].sort();
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const keyInput = (key: TestKey): { kid: string; jwk: JWK } => ({
  kid: key.kid,
  jwk: key.publicJwk,
});

/** What the broker stores and shows of a public key: the curve and the point, nothing else. */
function shownJwk(key: TestKey): JWK {
  const { kty, crv, x, y } = key.publicJwk;
  return key.alg === 'ES256' ? { kty, crv, x, y } : { kty, crv, x };
}

describe('agencies API', () => {
  let t: TestApp;
  let admin: TestAgency;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAgency(t.dataSource, { allowedRoles: ROLES, sector: 'coordination' });
  });
  afterAll(async () => {
    await t.close();
  });

  const asAdmin = async (): Promise<{ token: string }> => ({ token: await admin.token(['admin']) });

  /** Every row of the register, to show that a refused request changed nothing. */
  async function snapshot(): Promise<unknown> {
    return {
      agencies: await t.dataSource.query('SELECT * FROM agency ORDER BY id'),
      keys: await t.dataSource.query('SELECT * FROM agency_key ORDER BY id'),
    };
  }

  /** Registers an agency through the API, with the given keys. */
  async function register(
    keys: readonly TestKey[],
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string; body: Record<string, unknown> }> {
    const res = await t.request('POST', '/v1/agencies', {
      ...(await asAdmin()),
      body: registrationBody({ keys: keys.map(keyInput), ...overrides }),
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, body: res.body };
  }

  describe('registration', () => {
    it('registers an agency with both names, sector, jurisdiction, regime and two keys, and reads it back', async () => {
      const current = await generateTestKey('ES256');
      const next = await generateTestKey('EdDSA');
      const input = {
        code: `sh-${randomBytes(3).toString('hex')}`,
        names: { fr: 'Maison Le Phare', en: 'Lighthouse Shelter' },
        sector: 'shelter',
        jurisdiction: 'CA-QC',
        privacyRegime: 'QC-P-39.1',
        allowedRoles: ['agency_user', 'coordinator'],
        keys: [keyInput(current), keyInput(next)],
      };
      const res = await t.request('POST', '/v1/agencies', { ...(await asAdmin()), body: input });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const expectedKey = (key: TestKey): unknown => ({
        kid: key.kid,
        alg: key.alg,
        status: 'active',
        jwk: shownJwk(key),
        createdAt: expect.stringMatching(ISO_DATE),
        revokedAt: null,
      });
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        code: input.code,
        names: input.names,
        sector: 'shelter',
        jurisdiction: 'CA-QC',
        privacyRegime: 'QC-P-39.1',
        status: 'active',
        allowedRoles: ['agency_user', 'coordinator'],
        keys: [expectedKey(current), expectedKey(next)],
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
        version: 1,
      });
      const id = res.body.id as string;

      const read = await t.request('GET', `/v1/agencies/${id}`, await asAdmin());
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);

      const [row] = await t.dataSource.query(
        'SELECT code, name_fr, name_en, sector, status FROM agency WHERE id = $1',
        [id],
      );
      expect(row).toEqual({
        code: input.code,
        name_fr: 'Maison Le Phare',
        name_en: 'Lighthouse Shelter',
        sector: 'shelter',
        status: 'active',
      });

      // Rotation: both registered keys sign valid tokens for the new agency.
      for (const key of [current, next]) {
        const token = await mintToken({ key, issuer: id, roles: ['coordinator'] });
        expect((await t.request('GET', '/v1/agencies', { token })).status).toBe(200);
      }
    });

    it('defaults the allowed roles to agency_user and may register without keys', async () => {
      const { body } = await register([]);
      expect(body.allowedRoles).toEqual(['agency_user']);
      expect(body.keys).toEqual([]);
    });

    it('refuses a code already taken: 409 agency.code_taken, nothing written', async () => {
      const { body } = await register([]);
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        body: registrationBody({ code: body.code, keys: [keyInput(await generateTestKey())] }),
      });
      expectProblem(res, 409, 'agency.code_taken');
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('refuses invalid fields with 400 request.invalid naming them, never the values', async () => {
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        body: registrationBody({
          code: 'Not A Code',
          sector: 'bakery',
          jurisdiction: 'quebec',
          privacyRegime: 'GDPR',
          names: { fr: '', en: 'x'.repeat(201) },
          allowedRoles: ['root'],
          colour: 'blue',
        }),
      });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem.errors?.map((e) => e.property).sort()).toEqual(
        [
          'allowedRoles',
          'code',
          'colour',
          'jurisdiction',
          'names.en',
          'names.fr',
          'privacyRegime',
          'sector',
        ].sort(),
      );
      expect(res.text).not.toContain('bakery');
      expect(res.text).not.toContain('Not A Code');
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('refuses a bad key among good ones: nothing of the agency is written', async () => {
      const good = await generateTestKey();
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        body: registrationBody({
          keys: [keyInput(good), { kid: 'private', jwk: await privateJwk() }],
        }),
      });
      expectProblem(res, 400, 'agency.key_invalid');
      expect(await countRows(t.dataSource)).toEqual(before);
    });
  });

  describe('input edge cases (each once a 500 or a silent acceptance)', () => {
    it.each([
      ['a NUL character', 'Maison\u0000Le Phare'],
      ['a line break', 'Maison\nLe Phare'],
      ['a lone surrogate', 'Maison \ud800'],
    ])('a name with %s: 400 request.invalid naming it, nothing written', async (_label, name) => {
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        body: registrationBody({ names: { fr: name, en: 'Lighthouse' } }),
      });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem.errors).toEqual([{ property: 'names.fr', constraints: ['matches'] }]);
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('a key list holding an array instead of a key: 400 request.invalid, nothing written', async () => {
      const key = await generateTestKey();
      const { id } = await register([]);
      const before = await countRows(t.dataSource);
      for (const keys of [[[]], [[keyInput(key)]]]) {
        expectProblem(
          await t.request('POST', `/v1/agencies/${id}/keys`, {
            ...(await asAdmin()),
            body: { keys },
          }),
          400,
          'request.invalid',
        );
        expectProblem(
          await t.request('POST', '/v1/agencies', {
            ...(await asAdmin()),
            body: registrationBody({ keys }),
          }),
          400,
          'request.invalid',
        );
      }
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('null is not "absent": a null field is refused, not ignored beside a valid change', async () => {
      const { id } = await register([]);
      const before = await snapshot();
      for (const body of [
        { names: null, jurisdiction: 'CA-ON' },
        { allowedRoles: null, jurisdiction: 'CA-ON' },
        { privacyRegime: null },
      ]) {
        const res = await t.request('PATCH', `/v1/agencies/${id}`, { ...(await asAdmin()), body });
        expectProblem(res, 400, 'request.invalid');
      }
      const create = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        body: registrationBody({ allowedRoles: null }),
      });
      expectProblem(create, 400, 'request.invalid');
      expect(await snapshot()).toEqual(before);
    });

    it.each(['toString', 'valueOf', 'hasOwnProperty', 'constructor', 'prototype'])(
      'a property named %s is refused like any undeclared one, not silently dropped',
      async (name) => {
        const agency = await createAgency(t.dataSource);
        const before = await snapshot();
        const res = await t.request('POST', `/v1/agencies/${agency.id}/suspend`, {
          ...(await asAdmin()),
          rawBody: `{"reason":"administrative",${JSON.stringify(name)}:"x"}`,
          headers: { 'content-type': 'application/json' },
        });
        const problem = expectProblem(res, 400, 'request.invalid');
        expect(problem.errors).toEqual([{ property: name, constraints: ['whitelistValidation'] }]);
        expect(await snapshot()).toEqual(before);
      },
    );

    it('a body nested 40 000 levels deep (240 KB, under the limit): 400, not a stack overflow', async () => {
      const before = await countRows(t.dataSource);
      const deep = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
      const body = JSON.stringify(registrationBody({ extra: '<deep>' })).replace('"<deep>"', deep);
      const res = await t.request('POST', '/v1/agencies', {
        ...(await asAdmin()),
        rawBody: body,
        headers: { 'content-type': 'application/json' },
      });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem.errors).toEqual([
        expect.objectContaining({
          property: expect.stringMatching(/^extra(\.a)+$/),
          constraints: ['maxDepth'],
        }),
      ]);
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('a text/plain or form body is 415, even when it would be valid JSON', async () => {
      const agency = await createAgency(t.dataSource);
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await t.request('POST', `/v1/agencies/${agency.id}/suspend`, {
          ...(await asAdmin()),
          rawBody: JSON.stringify({ reason: 'administrative' }),
          headers: { 'content-type': contentType },
        });
        expectProblem(res, 415, 'request.unsupported_media_type');
      }
      const [row] = await t.dataSource.query('SELECT status FROM agency WHERE id = $1', [
        agency.id,
      ]);
      expect(row.status).toBe('active');
    });
  });

  describe('directory and visibility', () => {
    it('any agency lists the directory: names and sectors, never keys nor allowed roles', async () => {
      const user = await createAgency(t.dataSource, {
        allowedRoles: ['agency_user'],
        sector: 'health',
      });
      await register([await generateTestKey()]);
      const res = await t.request('GET', '/v1/agencies', { token: await user.token() });
      expect(res.status).toBe(200);
      const items = res.body.items as Record<string, unknown>[];
      expect(items.length).toBeGreaterThanOrEqual(3);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(DIRECTORY_FIELDS);
      expect(items).toContainEqual({
        id: user.id,
        code: user.code,
        names: { fr: `Organisme ${user.code}`, en: `Agency ${user.code}` },
        sector: 'health',
        jurisdiction: 'CA-QC',
        privacyRegime: 'QC-A-2.1',
        status: 'active',
      });
      const codes = items.map((i) => i.code as string);
      expect(codes).toEqual([...codes].sort());
      expect(res.text).not.toContain(admin.key.publicJwk.x as string);
    });

    it('an agency reads its own record and keys, but only the directory entry of another', async () => {
      const own = await createAgency(t.dataSource, { allowedRoles: ['agency_user'] });
      const other = await createAgency(t.dataSource, { allowedRoles: ['agency_user'] });

      const self = await t.request('GET', `/v1/agencies/${own.id}`, { token: await own.token() });
      expect(self.status).toBe(200);
      expect(self.body).toMatchObject({
        id: own.id,
        allowedRoles: ['agency_user'],
        keys: [expect.objectContaining({ kid: own.key.kid, status: 'active' })],
      });

      const ownKeys = await t.request('GET', `/v1/agencies/${own.id}/keys`, {
        token: await own.token(),
      });
      expect(ownKeys.status).toBe(200);
      expect(ownKeys.body).toEqual([
        expect.objectContaining({ kid: own.key.kid, alg: 'ES256', jwk: shownJwk(own.key) }),
      ]);

      const seen = await t.request('GET', `/v1/agencies/${other.id}`, { token: await own.token() });
      expect(seen.status).toBe(200);
      expect(Object.keys(seen.body).sort()).toEqual(DIRECTORY_FIELDS);
      expect(seen.body.id).toBe(other.id);
    });

    it("another agency's keys answer 404, exactly as keys of no agency at all", async () => {
      const own = await createAgency(t.dataSource, { allowedRoles: ['agency_user'] });
      const other = await createAgency(t.dataSource);
      const theirs = await t.request('GET', `/v1/agencies/${other.id}/keys`, {
        token: await own.token(),
      });
      const problem = expectProblem(theirs, 404, 'agency.not_found');
      expect(theirs.text).not.toContain(other.key.kid);
      const nobody = await t.request('GET', `/v1/agencies/${randomUUID()}/keys`, {
        token: await own.token(),
      });
      expect(expectProblem(nobody, 404, 'agency.not_found').title).toBe(problem.title);
    });

    it('an administrator reads any agency in full, keys included', async () => {
      const other = await createAgency(t.dataSource);
      const res = await t.request('GET', `/v1/agencies/${other.id}/keys`, await asAdmin());
      expect(res.status).toBe(200);
      expect(res.body).toEqual([expect.objectContaining({ kid: other.key.kid })]);
    });
  });

  describe('keys', () => {
    it('adds keys: they are listed and sign valid tokens at once', async () => {
      const first = await generateTestKey();
      const { id } = await register([first]);
      const added = [await generateTestKey('EdDSA'), await generateTestKey('ES256')];
      const res = await t.request('POST', `/v1/agencies/${id}/keys`, {
        ...(await asAdmin()),
        body: { keys: added.map(keyInput) },
      });
      expect(res.status).toBe(201);
      expect((res.body as unknown as { kid: string }[]).map((k) => k.kid)).toEqual([
        first.kid,
        ...added.map((k) => k.kid),
      ]);
      for (const key of added) {
        const token = await mintToken({ key, issuer: id });
        expect((await t.request('GET', '/v1/agencies', { token })).status).toBe(200);
      }
    });

    it('refuses a kid the agency already has: 409 agency.key_exists, nothing added', async () => {
      const first = await generateTestKey();
      const { id } = await register([first]);
      const before = await countRows(t.dataSource);
      const fresh = await generateTestKey();
      const clash = await generateTestKey('ES256', first.kid);
      const res = await t.request('POST', `/v1/agencies/${id}/keys`, {
        ...(await asAdmin()),
        body: { keys: [keyInput(fresh), keyInput(clash)] },
      });
      expectProblem(res, 409, 'agency.key_exists');
      expect(await countRows(t.dataSource)).toEqual(before);
      // The clashing key did not replace the registered one.
      const token = await mintToken({ key: clash, issuer: id });
      expectProblem(await t.request('GET', '/v1/agencies', { token }), 401, 'auth.bad_signature');
    });

    it('refuses two keys of the request under one kid: 400 agency.duplicate_kid', async () => {
      const { id } = await register([]);
      const a = await generateTestKey('ES256', 'same');
      const b = await generateTestKey('EdDSA', 'same');
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', `/v1/agencies/${id}/keys`, {
        ...(await asAdmin()),
        body: { keys: [keyInput(a), keyInput(b)] },
      });
      expectProblem(res, 400, 'agency.duplicate_kid');
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    const badKeys: [string, () => Promise<Record<string, unknown>>][] = [
      ['a private EC key (with d)', () => privateJwk('ES256')],
      ['a private Ed25519 key (with d)', () => privateJwk('EdDSA')],
      [
        'a symmetric key (kty oct)',
        async () => exportJWK((await generateSecret('HS256', { extractable: true })) as never),
      ],
      [
        'an RSA public key',
        async () =>
          exportJWK(
            (await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })).publicKey,
          ),
      ],
      [
        'a P-384 public key',
        async () => exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey),
      ],
      [
        'an EC key with an alg it cannot verify',
        async () => ({ ...(await generateTestKey('ES256')).publicJwk, alg: 'ES384' }),
      ],
      [
        'an EC point that is not on the curve',
        async () => ({
          kty: 'EC',
          crv: 'P-256',
          x: randomBytes(32).toString('base64url'),
          y: randomBytes(32).toString('base64url'),
        }),
      ],
      [
        'an Ed25519 key of the wrong length',
        async () => ({ kty: 'OKP', crv: 'Ed25519', x: randomBytes(31).toString('base64url') }),
      ],
      [
        'an Ed25519 key that is not base64url',
        async () => ({ kty: 'OKP', crv: 'Ed25519', x: 'not a key!' }),
      ],
      [
        'an extra member (x5u)',
        async () => ({
          ...(await generateTestKey('EdDSA')).publicJwk,
          x5u: 'https://attacker.example/cert',
        }),
      ],
    ];
    it.each(badKeys)('refuses %s: 400 agency.key_invalid, nothing added', async (_label, jwkOf) => {
      const { id } = await register([]);
      const before = await countRows(t.dataSource);
      const res = await t.request('POST', `/v1/agencies/${id}/keys`, {
        ...(await asAdmin()),
        body: { keys: [{ kid: 'k-new', jwk: await jwkOf() }] },
      });
      const problem = expectProblem(res, 400, 'agency.key_invalid');
      expect(problem.title).toMatch(/clé publique/);
      expect(await countRows(t.dataSource)).toEqual(before);
    });

    it('revokes a key: it shows as revoked, a second revocation is 409, its kid stays taken', async () => {
      const [current, next] = [await generateTestKey(), await generateTestKey('EdDSA')];
      const { id } = await register([current, next]);
      const res = await t.request('POST', `/v1/agencies/${id}/keys/${current.kid}/revoke`, {
        ...(await asAdmin()),
        body: { reason: 'superseded' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        kid: current.kid,
        alg: 'ES256',
        status: 'revoked',
        jwk: shownJwk(current),
        createdAt: expect.stringMatching(ISO_DATE),
        revokedAt: expect.stringMatching(ISO_DATE),
      });

      const keys = await t.request('GET', `/v1/agencies/${id}/keys`, await asAdmin());
      expect(
        (keys.body as unknown as { kid: string; status: string }[]).map((k) => [k.kid, k.status]),
      ).toEqual([
        [current.kid, 'revoked'],
        [next.kid, 'active'],
      ]);

      const again = await t.request('POST', `/v1/agencies/${id}/keys/${current.kid}/revoke`, {
        ...(await asAdmin()),
        body: { reason: 'compromised' },
      });
      expectProblem(again, 409, 'agency.key_already_revoked');

      const reuse = await t.request('POST', `/v1/agencies/${id}/keys`, {
        ...(await asAdmin()),
        body: { keys: [keyInput(await generateTestKey('ES256', current.kid))] },
      });
      expectProblem(reuse, 409, 'agency.key_exists');

      // The revoked key fails, the other still works.
      const revokedToken = await mintToken({ key: current, issuer: id });
      expectProblem(
        await t.request('GET', '/v1/agencies', { token: revokedToken }),
        401,
        'auth.key_revoked',
      );
      const nextToken = await mintToken({ key: next, issuer: id });
      expect((await t.request('GET', '/v1/agencies', { token: nextToken })).status).toBe(200);
    });

    it('revocation needs a known kid and a reason code', async () => {
      const key = await generateTestKey();
      const { id } = await register([key]);
      expectProblem(
        await t.request('POST', `/v1/agencies/${id}/keys/no-such-kid/revoke`, {
          ...(await asAdmin()),
          body: { reason: 'compromised' },
        }),
        404,
        'agency.key_not_found',
      );
      for (const body of [
        {},
        { reason: 'I lost my laptop' },
        { reason: 'compromised', note: 'x' },
      ]) {
        expectProblem(
          await t.request('POST', `/v1/agencies/${id}/keys/${key.kid}/revoke`, {
            ...(await asAdmin()),
            body,
          }),
          400,
          'request.invalid',
        );
      }
      const [row] = await t.dataSource.query(
        'SELECT status FROM agency_key WHERE agency_id = $1 AND kid = $2',
        [id, key.kid],
      );
      expect(row.status).toBe('active');
    });

    it("a key of another agency cannot be revoked through this agency's path", async () => {
      const a = await createAgency(t.dataSource);
      const b = await createAgency(t.dataSource);
      expectProblem(
        await t.request('POST', `/v1/agencies/${a.id}/keys/${b.key.kid}/revoke`, {
          ...(await asAdmin()),
          body: { reason: 'compromised' },
        }),
        404,
        'agency.key_not_found',
      );
      expect((await t.request('GET', '/v1/agencies', { token: await b.token() })).status).toBe(200);
    });
  });

  describe('status', () => {
    it('suspends and reactivates with a reason code; the same state twice is 409', async () => {
      const agency = await createAgency(t.dataSource);
      const path = `/v1/agencies/${agency.id}`;
      const suspended = await t.request('POST', `${path}/suspend`, {
        ...(await asAdmin()),
        body: { reason: 'agreement_breach' },
      });
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ id: agency.id, status: 'suspended', version: 2 });
      expectProblem(
        await t.request('POST', `${path}/suspend`, {
          ...(await asAdmin()),
          body: { reason: 'security_incident' },
        }),
        409,
        'agency.status_unchanged',
      );

      const directory = await t.request('GET', '/v1/agencies', await asAdmin());
      expect(directory.body.items).toContainEqual(
        expect.objectContaining({ id: agency.id, status: 'suspended' }),
      );

      const reactivated = await t.request('POST', `${path}/reactivate`, {
        ...(await asAdmin()),
        body: { reason: 'administrative' },
      });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ status: 'active', version: 3 });
      expectProblem(
        await t.request('POST', `${path}/reactivate`, {
          ...(await asAdmin()),
          body: { reason: 'administrative' },
        }),
        409,
        'agency.status_unchanged',
      );
    });

    it('a status change without a valid reason code is 400 and changes nothing', async () => {
      const agency = await createAgency(t.dataSource);
      for (const body of [
        undefined,
        {},
        { reason: 'because' },
        { reason: 42 },
        { reason: 'offboarding', comment: 'free text is never recorded' },
      ]) {
        const res = await t.request('POST', `/v1/agencies/${agency.id}/suspend`, {
          ...(await asAdmin()),
          body,
        });
        expectProblem(res, 400, 'request.invalid');
      }
      const [row] = await t.dataSource.query('SELECT status, version FROM agency WHERE id = $1', [
        agency.id,
      ]);
      expect(row).toEqual({ status: 'active', version: 1 });
    });
  });

  describe('update', () => {
    it('updates names, jurisdiction, privacy regime and allowed roles', async () => {
      const { id } = await register([await generateTestKey()], {
        allowedRoles: ['agency_user', 'coordinator'],
      });
      const res = await t.request('PATCH', `/v1/agencies/${id}`, {
        ...(await asAdmin()),
        body: {
          names: { fr: 'Centre de santé du Nord', en: 'Northern Health Centre' },
          jurisdiction: 'CA-ON',
          privacyRegime: 'ON-PHIPA',
          allowedRoles: ['agency_user'],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id,
        names: { fr: 'Centre de santé du Nord', en: 'Northern Health Centre' },
        jurisdiction: 'CA-ON',
        privacyRegime: 'ON-PHIPA',
        allowedRoles: ['agency_user'],
        version: 2,
      });
      const read = await t.request('GET', `/v1/agencies/${id}`, await asAdmin());
      expect(read.body).toEqual(res.body);
    });

    it('a role withdrawn by update is refused at the next token', async () => {
      const agency = await createAgency(t.dataSource, {
        allowedRoles: ['agency_user', 'coordinator'],
      });
      expect(
        (await t.request('GET', '/v1/agencies', { token: await agency.token(['coordinator']) }))
          .status,
      ).toBe(200);
      const res = await t.request('PATCH', `/v1/agencies/${agency.id}`, {
        ...(await asAdmin()),
        body: { allowedRoles: ['agency_user'] },
      });
      expect(res.status).toBe(200);
      expectProblem(
        await t.request('GET', '/v1/agencies', { token: await agency.token(['coordinator']) }),
        401,
        'auth.role_not_granted',
      );
    });

    it('a partial update keeps the other fields', async () => {
      const { id, body } = await register([]);
      const res = await t.request('PATCH', `/v1/agencies/${id}`, {
        ...(await asAdmin()),
        body: { jurisdiction: 'CA-NB' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        names: body.names,
        privacyRegime: body.privacyRegime,
        jurisdiction: 'CA-NB',
      });
    });

    it('an empty update is 400 agency.empty_update; immutable or unknown fields are 400 request.invalid', async () => {
      const { id } = await register([]);
      const before = await snapshot();
      expectProblem(
        await t.request('PATCH', `/v1/agencies/${id}`, { ...(await asAdmin()), body: {} }),
        400,
        'agency.empty_update',
      );
      for (const body of [
        { code: 'renamed' },
        { sector: 'police' },
        { status: 'suspended' },
        { id: randomUUID(), jurisdiction: 'CA-ON' },
        { keys: [] },
        { names: { fr: 'Seulement en français' } },
        { allowedRoles: [] },
      ]) {
        const res = await t.request('PATCH', `/v1/agencies/${id}`, {
          ...(await asAdmin()),
          body,
        });
        expectProblem(res, 400, 'request.invalid');
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('unknown agencies', () => {
    const missing = randomUUID();
    it.each([
      ['a random uuid', missing],
      ['a non-uuid id', 'not-a-uuid'],
      ['an agency code', 'police-vsl'],
      ['a SQL-looking id', "1' OR '1'='1"],
    ])('%s: 404 agency.not_found on every agency route', async (_label, rawId) => {
      const id = encodeURIComponent(rawId);
      const before = await snapshot();
      const calls: [string, string, unknown][] = [
        ['GET', `/v1/agencies/${id}`, undefined],
        ['GET', `/v1/agencies/${id}/keys`, undefined],
        ['PATCH', `/v1/agencies/${id}`, { jurisdiction: 'CA-ON' }],
        ['POST', `/v1/agencies/${id}/suspend`, { reason: 'administrative' }],
        ['POST', `/v1/agencies/${id}/reactivate`, { reason: 'administrative' }],
        ['POST', `/v1/agencies/${id}/keys`, { keys: [keyInput(await generateTestKey())] }],
        ['POST', `/v1/agencies/${id}/keys/k1/revoke`, { reason: 'compromised' }],
      ];
      for (const [method, path, body] of calls) {
        const res = await t.request(method, path, { ...(await asAdmin()), body });
        expect({ call: `${method} ${path}`, status: res.status, code: res.body?.code }).toEqual({
          call: `${method} ${path}`,
          status: 404,
          code: 'agency.not_found',
        });
        expectProblem(res, 404, 'agency.not_found');
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('administrator role', () => {
    const nonAdminRoles: Role[] = [
      'agency_user',
      'coordinator',
      'privacy_officer',
      'legal_reviewer',
    ];

    let target: TestAgency;
    let suspended: TestAgency;
    beforeAll(async () => {
      target = await createAgency(t.dataSource);
      suspended = await createAgency(t.dataSource, { status: 'suspended' });
    });

    const adminRoutes: [string, () => Promise<[string, string, unknown]>][] = [
      ['POST /v1/agencies', async () => ['POST', '/v1/agencies', registrationBody()]],
      [
        'PATCH /v1/agencies/:id',
        async () => ['PATCH', `/v1/agencies/${target.id}`, { jurisdiction: 'CA-ON' }],
      ],
      [
        'POST /v1/agencies/:id/suspend',
        async () => ['POST', `/v1/agencies/${target.id}/suspend`, { reason: 'administrative' }],
      ],
      [
        'POST /v1/agencies/:id/reactivate',
        async () => [
          'POST',
          `/v1/agencies/${suspended.id}/reactivate`,
          { reason: 'administrative' },
        ],
      ],
      [
        'POST /v1/agencies/:id/keys',
        async () => [
          'POST',
          `/v1/agencies/${target.id}/keys`,
          { keys: [keyInput(await generateTestKey())] },
        ],
      ],
      [
        'POST /v1/agencies/:id/keys/:kid/revoke',
        async () => [
          'POST',
          `/v1/agencies/${target.id}/keys/${target.key.kid}/revoke`,
          { reason: 'compromised' },
        ],
      ],
    ];

    describe.each(adminRoutes)('%s', (_route, callOf) => {
      it.each([
        ...nonAdminRoles.map((r) => [r, [r]] as const),
        ['all four', nonAdminRoles] as const,
      ])('answers 403 auth.forbidden to %s and changes nothing', async (_label, roles) => {
        const caller = await createAgency(t.dataSource, { allowedRoles: ROLES });
        const [method, path, body] = await callOf();
        const before = await snapshot();
        const res = await t.request(method, path, { token: await caller.token(roles), body });
        expectProblem(res, 403, 'auth.forbidden');
        expect(await snapshot()).toEqual(before);
      });

      it('answers in English when asked', async () => {
        const caller = await createAgency(t.dataSource, { allowedRoles: ROLES });
        const [method, path, body] = await callOf();
        const res = await t.request(method, path, {
          token: await caller.token(['coordinator']),
          body,
          headers: { 'accept-language': 'en' },
        });
        expect(expectProblem(res, 403, 'auth.forbidden').title).toBe(
          'Your roles do not allow this action.',
        );
      });
    });
  });
});

async function privateJwk(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  expect(jwk.d).toEqual(expect.any(String));
  return jwk as Record<string, unknown>;
}
