import { readFileSync } from 'node:fs';
import { isRole, type Role } from '../common/auth/roles.js';
import type { Localized } from '../common/i18n/language.js';
import { ConfigError } from './config-error.js';

/**
 * How one agency's staff sign in to the console: the agency's own OpenID provider, the client the
 * broker is registered as there, and how the provider's claims become Filet roles.
 */
export interface IdentityProviderEntry {
  /** The agency's code (e.g. `cir-vsl`). */
  readonly agency: string;
  /** The provider's issuer identifier; its discovery document is read at the first sign-in. */
  readonly issuer: string;
  readonly clientId: string;
  /** The client secret, for providers that authenticate the client (else PKCE alone, no secret). */
  readonly clientSecret?: string;
  readonly scope: string;
  /** The ID token claim that carries the person's groups or roles (a string or an array). */
  readonly rolesClaim: string;
  /** Each claim value that grants a Filet role. Values not listed grant nothing. */
  readonly roles: Readonly<Record<string, Role>>;
  /** What the sign-in button says, e.g. "Compte du CISSS". */
  readonly label?: Localized;
  /**
   * A claim the ID token must carry with this value (or, for a list, contain it): required when
   * several agencies share one provider, so that one agency's account never opens another's console.
   */
  readonly agencyClaim?: { readonly name: string; readonly value: string };
  /** Plain http to the provider: the demo and tests only, refused in production. */
  readonly allowInsecureHttp?: boolean;
}

function problem(index: number, message: string): ConfigError {
  return new ConfigError(`FILET_CONSOLE_IDENTITY_PROVIDERS: entry ${index}: ${message}`);
}

function text(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 2000;
}

/** Checks a providers file's entries; a broker with a bad one refuses to start. */
export function parseIdentityProviders(
  raw: unknown,
  {
    env,
    production,
    inlineSecrets = false,
  }: { env: Record<string, string | undefined>; production: boolean; inlineSecrets?: boolean },
): IdentityProviderEntry[] {
  if (!Array.isArray(raw))
    throw new ConfigError('FILET_CONSOLE_IDENTITY_PROVIDERS must hold a JSON array');
  const seen = new Set<string>();
  const entries = raw.map((entry: Record<string, unknown>, index) => {
    if (typeof entry !== 'object' || entry === null) throw problem(index, 'not an object');
    const { agency, issuer, clientId, scope, rolesClaim, roles, label } = entry;
    if (!text(agency) || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(agency))
      throw problem(index, '"agency" must be an agency code');
    if (seen.has(agency)) throw problem(index, `agency "${agency}" appears twice`);
    seen.add(agency);
    if (!text(issuer)) throw problem(index, '"issuer" is required');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw problem(index, '"issuer" is not a URL');
    }
    const insecure = entry.allowInsecureHttp === true;
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecure && !production)) {
      throw problem(index, '"issuer" must use https');
    }
    if (!text(clientId)) throw problem(index, '"clientId" is required');
    let clientSecret: string | undefined;
    if (entry.clientSecretEnv !== undefined) {
      if (!text(entry.clientSecretEnv))
        throw problem(index, '"clientSecretEnv" must name a variable');
      clientSecret = env[entry.clientSecretEnv];
      if (!clientSecret)
        throw problem(index, `environment variable ${entry.clientSecretEnv} is not set`);
    } else if (inlineSecrets && entry.clientSecret !== undefined) {
      if (!text(entry.clientSecret)) throw problem(index, '"clientSecret" must be text');
      clientSecret = entry.clientSecret;
    } else if (entry.clientSecret !== undefined) {
      throw problem(
        index,
        'put the client secret in an environment variable and name it in "clientSecretEnv"',
      );
    }
    if (!text(rolesClaim)) throw problem(index, '"rolesClaim" is required');
    if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) {
      throw problem(index, '"roles" must map claim values to Filet roles');
    }
    for (const [value, role] of Object.entries(roles)) {
      if (!isRole(role)) throw problem(index, `"roles.${value}" is not a Filet role`);
    }
    if (scope !== undefined && (!text(scope) || !scope.split(' ').includes('openid'))) {
      throw problem(index, '"scope" must include openid');
    }
    if (
      label !== undefined &&
      !(
        typeof label === 'object' &&
        label !== null &&
        text((label as Localized).fr) &&
        text((label as Localized).en)
      )
    ) {
      throw problem(index, '"label" must have "fr" and "en"');
    }
    return {
      agency,
      issuer,
      clientId,
      clientSecret,
      scope: (scope as string | undefined) ?? 'openid profile',
      rolesClaim,
      roles: roles as Record<string, Role>,
      label: label as Localized | undefined,
      agencyClaim: agencyClaimOf(index, entry.agencyClaim),
      allowInsecureHttp: insecure,
    };
  });
  // One provider for several agencies (one tenant, several clients): each must say which claim
  // tells its people apart, or an account of one agency could open another agency's console.
  for (const entry of entries) {
    const sharing = entries.filter((e) => e.issuer === entry.issuer);
    if (sharing.length > 1 && sharing.some((e) => !e.agencyClaim)) {
      throw new ConfigError(
        `FILET_CONSOLE_IDENTITY_PROVIDERS: ${sharing.map((e) => e.agency).join(', ')} share the issuer ${entry.issuer}: give each an "agencyClaim"`,
      );
    }
  }
  return entries;
}

function agencyClaimOf(index: number, raw: unknown): { name: string; value: string } | undefined {
  if (raw === undefined) return undefined;
  const claim = raw as { name?: unknown; value?: unknown } | null;
  if (typeof claim !== 'object' || claim === null || !text(claim.name) || !text(claim.value)) {
    throw problem(index, '"agencyClaim" must have a "name" and a "value"');
  }
  return { name: claim.name, value: claim.value };
}

/** Reads and checks the providers file named by FILET_CONSOLE_IDENTITY_PROVIDERS. */
export function loadIdentityProviders(
  file: string,
  env: Record<string, string | undefined>,
  production: boolean,
): IdentityProviderEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `FILET_CONSOLE_IDENTITY_PROVIDERS: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseIdentityProviders(raw, { env, production });
}
