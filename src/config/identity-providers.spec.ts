import { ConfigError } from './config-error.js';
import { parseIdentityProviders } from './identity-providers.js';
import { belongsToAgency, mapRoles } from '../console/identity-providers.js';

const entry = {
  agency: 'police-vsl',
  issuer: 'https://login.police-vsl.example',
  clientId: 'filet',
  clientSecretEnv: 'POLICE_IDP_SECRET',
  rolesClaim: 'groups',
  roles: { 'filet-privacy': 'privacy_officer', 'filet-legal': 'legal_reviewer' },
};
const env = { POLICE_IDP_SECRET: 's3cret' };

describe('console identity providers (FILET_CONSOLE_IDENTITY_PROVIDERS)', () => {
  it('reads an entry, its secret from the named variable, and the default scope', () => {
    const [parsed] = parseIdentityProviders([entry], { env, production: true });
    expect(parsed).toMatchObject({
      agency: 'police-vsl',
      clientSecret: 's3cret',
      scope: 'openid profile',
      allowInsecureHttp: false,
    });
  });

  it.each([
    ['not a list', {}, /JSON array/],
    [
      'an http issuer in production',
      [{ ...entry, issuer: 'http://idp.example', allowInsecureHttp: true }],
      /https/,
    ],
    ['an http issuer without the demo flag', [{ ...entry, issuer: 'http://idp.example' }], /https/],
    [
      'a secret written in the file',
      [{ ...entry, clientSecretEnv: undefined, clientSecret: 'x' }],
      /environment variable/,
    ],
    [
      'a secret variable that is not set',
      [{ ...entry, clientSecretEnv: 'NOPE' }],
      /NOPE is not set/,
    ],
    ['a role Filet does not have', [{ ...entry, roles: { g: 'superuser' } }], /not a Filet role/],
    ['the same agency twice', [entry, entry], /appears twice/],
    ['a scope without openid', [{ ...entry, scope: 'profile' }], /openid/],
    ['a label in one language', [{ ...entry, label: { fr: 'Compte' } }], /"fr" and "en"/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => parseIdentityProviders(raw, { env, production: true })).toThrow(ConfigError);
    expect(() => parseIdentityProviders(raw, { env, production: true })).toThrow(message);
  });

  it('refuses agencies sharing one provider unless each names the claim that tells them apart', () => {
    const shared = { ...entry, agency: 'maison-aube' };
    expect(() => parseIdentityProviders([entry, shared], { env, production: true })).toThrow(
      /share the issuer .*agencyClaim/,
    );
    const parsed = parseIdentityProviders(
      [
        { ...entry, agencyClaim: { name: 'org', value: 'police' } },
        { ...shared, agencyClaim: { name: 'org', value: 'aube' } },
      ],
      { env, production: true },
    );
    expect(parsed.map((p) => p.agencyClaim?.value)).toEqual(['police', 'aube']);
    expect(belongsToAgency(parsed[0], { org: 'police' })).toBe(true);
    expect(belongsToAgency(parsed[0], { org: ['x', 'police'] })).toBe(true);
    expect(belongsToAgency(parsed[0], { org: 'aube' })).toBe(false);
    expect(belongsToAgency(parsed[0], {})).toBe(false);
  });

  it('allows a plain-http issuer for the demo outside production only', () => {
    const demo = [{ ...entry, issuer: 'http://127.0.0.1:3001', allowInsecureHttp: true }];
    expect(parseIdentityProviders(demo, { env, production: false })[0].allowInsecureHttp).toBe(
      true,
    );
  });

  it('maps claim values to roles; values not listed, and inherited names, grant nothing', () => {
    const [parsed] = parseIdentityProviders([entry], { env, production: true });
    expect(mapRoles(parsed, { groups: ['filet-legal', 'filet-privacy', 'staff'] })).toEqual([
      'legal_reviewer',
      'privacy_officer',
    ]);
    expect(mapRoles(parsed, { groups: 'filet-legal' })).toEqual(['legal_reviewer']);
    expect(mapRoles(parsed, { groups: ['toString', 'constructor', '__proto__'] })).toEqual([]);
    expect(mapRoles(parsed, {})).toEqual([]);
  });
});
