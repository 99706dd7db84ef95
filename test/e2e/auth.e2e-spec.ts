import { randomUUID } from 'node:crypto';
import { exportSPKI, importJWK, SignJWT, type JWTPayload } from 'jose';
import { ROLES } from '../../src/common/auth/roles.js';
import {
  createAgency,
  generateTestKey,
  mintToken,
  registrationBody,
  TEST_AUDIENCE,
  type TestAgency,
} from '../factories/agency.factory.js';
import { countRows, expectProblem, type ProblemJson } from '../support/problem.js';
import { startSecondInstance, startTestApp, type TestApp } from '../support/test-app.js';

const now = (): number => Math.floor(Date.now() / 1000);
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims a valid token of this agency carries, for hand-crafted tokens. */
function claimsOf(agency: TestAgency, extra: JWTPayload = {}): JWTPayload {
  const iat = now();
  return {
    iss: agency.id,
    sub: 'user-1',
    aud: TEST_AUDIENCE,
    iat,
    exp: iat + 120,
    jti: randomUUID(),
    roles: ['admin'],
    ...extra,
  };
}

describe('authentication (DESIGN §5)', () => {
  let t: TestApp;
  let admin: TestAgency;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createAgency(t.dataSource, { allowedRoles: ROLES, sector: 'coordination' });
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Tries a state-changing admin route (register an agency) with this Authorization header and
   * asserts the 401 problem, its `www-authenticate` challenge, and that the handler never ran.
   */
  async function expectRejected(
    authorization: string | undefined,
    code: string,
    headers: Record<string, string> = {},
  ): Promise<{ problem: ProblemJson; challenge: string | null }> {
    const body = registrationBody();
    const before = await countRows(t.dataSource);
    const res = await t.request('POST', '/v1/agencies', {
      body,
      headers: authorization === undefined ? headers : { ...headers, authorization },
    });
    const problem = expectProblem(res, 401, code);
    const challenge = res.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer\b/);
    expect(await countRows(t.dataSource)).toEqual(before);
    const rows: unknown[] = await t.dataSource.query('SELECT 1 FROM agency WHERE code = $1', [
      body.code,
    ]);
    expect(rows).toHaveLength(0);
    return { problem, challenge };
  }

  const bearer = (token: string): string => `Bearer ${token}`;

  describe('a valid token', () => {
    it('is accepted: the request reaches the handler', async () => {
      const res = await t.request('GET', '/v1/agencies', { token: await admin.token() });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: admin.id })]),
      );
    });

    it('lets an admin change state: the agency is registered', async () => {
      const body = registrationBody();
      const res = await t.request('POST', '/v1/agencies', {
        token: await admin.token(['admin']),
        body,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ code: body.code, status: 'active' });
    });

    it('works with EdDSA (Ed25519) keys as well as ES256', async () => {
      const ed = await createAgency(t.dataSource, { alg: 'EdDSA', allowedRoles: ROLES });
      const es = await createAgency(t.dataSource, { alg: 'ES256', allowedRoles: ROLES });
      for (const agency of [ed, es]) {
        const read = await t.request('GET', `/v1/agencies/${agency.id}`, {
          token: await agency.token(['agency_user']),
        });
        expect(read.status).toBe(200);
        expect(read.body.keys).toEqual([
          expect.objectContaining({ kid: agency.key.kid, alg: agency.key.alg }),
        ]);
        const body = registrationBody();
        const write = await t.request('POST', '/v1/agencies', {
          token: await agency.token(['admin']),
          body,
        });
        expect(write.status).toBe(201);
      }
    });

    it('accepts the "Bearer" scheme in any case (RFC 9110 §11.1)', async () => {
      const res = await t.request('GET', '/v1/agencies', {
        headers: { authorization: `bearer ${await admin.token()}` },
      });
      expect(res.status).toBe(200);
    });

    it('accepts a lifetime of exactly 5 minutes and an exp within the clock skew', async () => {
      const iat = now();
      const fiveMinutes = await admin.token(['agency_user'], { iat, exp: iat + 300 });
      expect((await t.request('GET', '/v1/agencies', { token: fiveMinutes })).status).toBe(200);
      const justExpired = await admin.token(['agency_user'], { iat: iat - 60, exp: iat - 10 });
      expect((await t.request('GET', '/v1/agencies', { token: justExpired })).status).toBe(200);
    });
  });

  describe('problem language', () => {
    it('answers in French by default and in English with Accept-Language: en', async () => {
      const fr = await expectRejected(undefined, 'auth.missing_token');
      expect(fr.problem.title).toBe('Jeton absent : envoyez « Authorization: Bearer <JWT> ».');
      const en = await expectRejected(undefined, 'auth.missing_token', {
        'accept-language': 'en-CA,en;q=0.9,fr;q=0.5',
      });
      expect(en.problem.title).toBe('Missing token: send "Authorization: Bearer <JWT>".');
      const expired = await expectRejected(
        bearer(await admin.token(['admin'], { iat: now() - 400, exp: now() - 100 })),
        'auth.token_expired',
        { 'accept-language': 'en' },
      );
      expect(expired.problem.title).toBe('Token expired.');
    });
  });

  describe('no token or a malformed one', () => {
    it('no Authorization header: auth.missing_token, a bare Bearer challenge', async () => {
      const { challenge } = await expectRejected(undefined, 'auth.missing_token');
      // RFC 6750 §3.1: no error code when the request carries no credentials at all.
      expect(challenge).toBe('Bearer');
    });

    it('an empty Authorization header: auth.missing_token', async () => {
      await expectRejected('', 'auth.missing_token');
    });

    it.each([
      ['garbage', 'Bearer garbage'],
      ['characters outside base64url', 'Bearer abc!def.ghi$.jkl'],
      ['the scheme alone', 'Bearer'],
      ['two spaces after the scheme', 'Bearer  a.b.c'],
      ['three dot-separated garbage parts', 'Bearer aaa.bbb.ccc'],
    ])('%s: auth.malformed_token', async (_label, header) => {
      const { challenge } = await expectRejected(header, 'auth.malformed_token');
      expect(challenge).toBe('Bearer error="invalid_token"');
    });

    it('a valid token under another scheme (Basic, Token, raw): auth.malformed_token', async () => {
      const token = await admin.token(['admin']);
      await expectRejected(
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        'auth.malformed_token',
      );
      await expectRejected(`Token ${token}`, 'auth.malformed_token');
      await expectRejected(token, 'auth.malformed_token');
    });

    it('a token of two parts (signature cut off): auth.malformed_token', async () => {
      const [header, payload] = (await admin.token(['admin'])).split('.');
      await expectRejected(bearer(`${header}.${payload}`), 'auth.malformed_token');
    });

    it('a token of five parts (JWE shape): auth.malformed_token', async () => {
      const token = await admin.token(['admin']);
      await expectRejected(bearer(`${token}.abc.def`), 'auth.malformed_token');
    });

    it('a header that is not JSON: auth.malformed_token', async () => {
      const [, payload, signature] = (await admin.token(['admin'])).split('.');
      const header = Buffer.from('not json').toString('base64url');
      await expectRejected(bearer(`${header}.${payload}.${signature}`), 'auth.malformed_token');
    });

    it('an oversized token (over 8 KiB): auth.malformed_token', async () => {
      const token = await mintToken({
        key: admin.key,
        issuer: admin.id,
        roles: ['admin'],
        sub: 'u'.repeat(128),
      });
      const padded = token.replace('.', `.${'A'.repeat(9000)}`);
      await expectRejected(bearer(padded), 'auth.malformed_token');
    });
  });

  describe('signature algorithm', () => {
    it('alg "none" (an unsigned token naming a registered kid): auth.algorithm_not_allowed', async () => {
      const header = b64url({ alg: 'none', typ: 'JWT', kid: admin.key.kid });
      const unsigned = `${header}.${b64url(claimsOf(admin))}.`;
      await expectRejected(bearer(unsigned), 'auth.algorithm_not_allowed');
    });

    it.each([
      ['the JWK x coordinate', async (a: TestAgency) => a.key.publicJwk.x as string],
      ['the public JWK as JSON', async (a: TestAgency) => JSON.stringify(a.key.publicJwk)],
      [
        'the public key as PEM',
        async (a: TestAgency) =>
          exportSPKI((await importJWK(a.key.publicJwk, a.key.alg, { extractable: true })) as never),
      ],
    ])(
      'HS256 with %s as HMAC secret (key confusion): auth.algorithm_not_allowed',
      async (_label, secretOf) => {
        const secret = new TextEncoder().encode(await secretOf(admin));
        const token = await new SignJWT(claimsOf(admin))
          .setProtectedHeader({ alg: 'HS256', kid: admin.key.kid })
          .sign(secret);
        await expectRejected(bearer(token), 'auth.algorithm_not_allowed');
      },
    );

    it('ES256 in the header for a key registered as EdDSA: auth.algorithm_not_allowed', async () => {
      const ed = await createAgency(t.dataSource, { alg: 'EdDSA', allowedRoles: ROLES });
      const es = await generateTestKey('ES256', ed.key.kid);
      const token = await mintToken({ key: es, issuer: ed.id, roles: ['admin'] });
      await expectRejected(bearer(token), 'auth.algorithm_not_allowed');
    });

    it('ES384: auth.algorithm_not_allowed', async () => {
      const header = b64url({ alg: 'ES384', kid: admin.key.kid });
      const token = `${header}.${b64url(claimsOf(admin))}.${Buffer.from('x'.repeat(96)).toString('base64url')}`;
      await expectRejected(bearer(token), 'auth.algorithm_not_allowed');
    });

    it('no kid in the header: auth.missing_key_id', async () => {
      await expectRejected(
        bearer(await admin.token(['admin'], { headerKid: null })),
        'auth.missing_key_id',
      );
    });
  });

  describe('validity period', () => {
    it('expired: auth.token_expired', async () => {
      const token = await admin.token(['admin'], { iat: now() - 400, exp: now() - 100 });
      await expectRejected(bearer(token), 'auth.token_expired');
    });

    it('nbf in the future: auth.token_not_yet_valid', async () => {
      const token = await admin.token(['admin'], { nbf: now() + 120 });
      await expectRejected(bearer(token), 'auth.token_not_yet_valid');
    });

    it('iat in the future: auth.token_issued_in_future', async () => {
      const iat = now() + 120;
      const token = await admin.token(['admin'], { iat, exp: iat + 60 });
      await expectRejected(bearer(token), 'auth.token_issued_in_future');
    });

    it('a lifetime over 5 minutes (exp - iat = 301 s): auth.token_lifetime_too_long', async () => {
      const iat = now();
      const token = await admin.token(['admin'], { iat, exp: iat + 301 });
      await expectRejected(bearer(token), 'auth.token_lifetime_too_long');
    });

    it.each(['exp', 'iat'] as const)('no %s: auth.missing_claim', async (claim) => {
      const token = await admin.token(['admin'], { omit: [claim] });
      await expectRejected(bearer(token), 'auth.missing_claim');
    });
  });

  describe('audience and issuer', () => {
    it('wrong aud: auth.wrong_audience', async () => {
      const token = await admin.token(['admin'], { audience: 'urn:another:broker' });
      await expectRejected(bearer(token), 'auth.wrong_audience');
    });

    it('no aud: auth.missing_claim', async () => {
      await expectRejected(
        bearer(await admin.token(['admin'], { omit: ['aud'] })),
        'auth.missing_claim',
      );
    });

    it('an unknown iss (a random uuid): auth.unknown_issuer', async () => {
      const token = await mintToken({ key: admin.key, issuer: randomUUID(), roles: ['admin'] });
      await expectRejected(bearer(token), 'auth.unknown_issuer');
    });

    it('an iss that is not a uuid (e.g. the agency code): auth.unknown_issuer', async () => {
      for (const issuer of [admin.code, 'https://idp.example.org', "1' OR '1'='1"]) {
        const token = await mintToken({ key: admin.key, issuer, roles: ['admin'] });
        await expectRejected(bearer(token), 'auth.unknown_issuer');
      }
    });

    it('no iss: auth.missing_claim', async () => {
      await expectRejected(
        bearer(await admin.token(['admin'], { omit: ['iss'] })),
        'auth.missing_claim',
      );
    });
  });

  describe('keys', () => {
    it("agency A's iss signed with agency B's key, B's kid unknown at A: auth.unknown_key", async () => {
      const a = await createAgency(t.dataSource, { allowedRoles: ROLES });
      const b = await createAgency(t.dataSource, { allowedRoles: ROLES });
      const token = await mintToken({ key: b.key, issuer: a.id, roles: ['admin'] });
      await expectRejected(bearer(token), 'auth.unknown_key');
    });

    it("agency A's iss signed with B's key under a kid A also registered: auth.bad_signature", async () => {
      const kid = `shared-${randomUUID()}`;
      const a = await createAgency(t.dataSource, { allowedRoles: ROLES, kid });
      const b = await createAgency(t.dataSource, { allowedRoles: ROLES, kid });
      expect(b.key.kid).toBe(a.key.kid);
      const token = await mintToken({ key: b.key, issuer: a.id, roles: ['admin'] });
      await expectRejected(bearer(token), 'auth.bad_signature');
    });

    it('an attacker key embedded in the header (jwk) is ignored: auth.bad_signature', async () => {
      const attacker = await generateTestKey('ES256', admin.key.kid);
      const token = await new SignJWT(claimsOf(admin))
        .setProtectedHeader({ alg: 'ES256', kid: admin.key.kid, jwk: attacker.publicJwk })
        .sign(attacker.privateKey);
      await expectRejected(bearer(token), 'auth.bad_signature');
    });

    it('a payload altered after signing (role added): auth.bad_signature', async () => {
      const limited = await createAgency(t.dataSource, { allowedRoles: ROLES });
      const [header, , signature] = (await limited.token(['agency_user'])).split('.');
      const forged = `${header}.${b64url(claimsOf(limited, { roles: ['admin'] }))}.${signature}`;
      await expectRejected(bearer(forged), 'auth.bad_signature');
    });

    it('a key revoked through the API fails at once: auth.key_revoked', async () => {
      const agency = await createAgency(t.dataSource, { allowedRoles: ROLES });
      expect((await t.request('GET', '/v1/agencies', { token: await agency.token() })).status).toBe(
        200,
      );
      const revoke = await t.request(
        'POST',
        `/v1/agencies/${agency.id}/keys/${agency.key.kid}/revoke`,
        { token: await admin.token(['admin']), body: { reason: 'compromised' } },
      );
      expect(revoke.status).toBe(200);
      expect(revoke.body).toMatchObject({ kid: agency.key.kid, status: 'revoked' });
      await expectRejected(bearer(await agency.token(['admin'])), 'auth.key_revoked');
    });
  });

  describe('agency status', () => {
    it('a suspended agency is refused at once, and accepted again once reactivated', async () => {
      const agency = await createAgency(t.dataSource, { allowedRoles: ROLES });
      const suspend = await t.request('POST', `/v1/agencies/${agency.id}/suspend`, {
        token: await admin.token(['admin']),
        body: { reason: 'security_incident' },
      });
      expect(suspend.status).toBe(200);
      expect(suspend.body.status).toBe('suspended');

      await expectRejected(bearer(await agency.token(['admin'])), 'auth.agency_suspended');
      const read = await t.request('GET', '/v1/agencies', { token: await agency.token() });
      expectProblem(read, 401, 'auth.agency_suspended');

      const reactivate = await t.request('POST', `/v1/agencies/${agency.id}/reactivate`, {
        token: await admin.token(['admin']),
        body: { reason: 'administrative' },
      });
      expect(reactivate.status).toBe(200);
      expect(reactivate.body.status).toBe('active');

      expect((await t.request('GET', '/v1/agencies', { token: await agency.token() })).status).toBe(
        200,
      );
      const body = registrationBody();
      const write = await t.request('POST', '/v1/agencies', {
        token: await agency.token(['admin']),
        body,
      });
      expect(write.status).toBe(201);
    });
  });

  describe('claims', () => {
    it.each(['jti', 'sub'] as const)('no %s: auth.missing_claim', async (claim) => {
      await expectRejected(
        bearer(await admin.token(['admin'], { omit: [claim] })),
        'auth.missing_claim',
      );
    });

    it('a sub of free text (spaces, a name): auth.missing_claim', async () => {
      const token = await admin.token(['admin'], { sub: 'Marie Tremblay' });
      await expectRejected(bearer(token), 'auth.missing_claim');
    });

    it('no roles, or an empty list: auth.missing_claim', async () => {
      await expectRejected(
        bearer(await admin.token(['admin'], { omit: ['roles'] })),
        'auth.missing_claim',
      );
      await expectRejected(bearer(await admin.token([])), 'auth.missing_claim');
    });

    it('an unknown role: auth.unknown_role', async () => {
      const token = await mintToken({
        key: admin.key,
        issuer: admin.id,
        roles: ['admin', 'superuser'],
      });
      await expectRejected(bearer(token), 'auth.unknown_role');
    });

    it('a role not granted to the agency: auth.role_not_granted', async () => {
      const userOnly = await createAgency(t.dataSource, { allowedRoles: ['agency_user'] });
      expect(
        (await t.request('GET', '/v1/agencies', { token: await userOnly.token(['agency_user']) }))
          .status,
      ).toBe(200);
      await expectRejected(bearer(await userOnly.token(['admin'])), 'auth.role_not_granted');
      await expectRejected(
        bearer(await userOnly.token(['agency_user', 'admin'])),
        'auth.role_not_granted',
      );
    });
  });

  describe('single use (jti)', () => {
    it('the same token twice: the first is served, the second is auth.token_replayed', async () => {
      const token = await admin.token(['admin']);
      const first = await t.request('POST', '/v1/agencies', { token, body: registrationBody() });
      expect(first.status).toBe(201);
      await expectRejected(bearer(token), 'auth.token_replayed');
    });

    it('a replay is refused by a second broker instance on the same database', async () => {
      const second = await startSecondInstance(t);
      try {
        expect(second.baseUrl).not.toBe(t.baseUrl);
        // The second instance works on its own...
        const fresh = await second.request('GET', '/v1/agencies', { token: await admin.token() });
        expect(fresh.status).toBe(200);

        // ...but a token spent on the first is spent for it too, and the other way round.
        const token = await admin.token(['admin']);
        expect((await t.request('GET', '/v1/agencies', { token })).status).toBe(200);
        const before = await countRows(t.dataSource);
        const replay = await second.request('POST', '/v1/agencies', {
          token,
          body: registrationBody(),
        });
        expectProblem(replay, 401, 'auth.token_replayed');
        expect(replay.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
        expect(await countRows(t.dataSource)).toEqual(before);

        const other = await admin.token(['admin']);
        expect((await second.request('GET', '/v1/agencies', { token: other })).status).toBe(200);
        await expectRejected(bearer(other), 'auth.token_replayed');
      } finally {
        await second.close();
      }
    });

    it('a forged token does not spend the jti of the genuine one', async () => {
      const jti = randomUUID();
      const forger = await generateTestKey('ES256', admin.key.kid);
      const forged = await mintToken({ key: forger, issuer: admin.id, roles: ['admin'], jti });
      await expectRejected(bearer(forged), 'auth.bad_signature');
      const genuine = await admin.token(['agency_user'], { jti });
      expect((await t.request('GET', '/v1/agencies', { token: genuine })).status).toBe(200);
    });

    it('the same jti from two agencies is two different tokens', async () => {
      const other = await createAgency(t.dataSource);
      const jti = randomUUID();
      for (const agency of [admin, other]) {
        const res = await t.request('GET', '/v1/agencies', {
          token: await agency.token(['agency_user'], { jti }),
        });
        expect(res.status).toBe(200);
      }
    });
  });
});
