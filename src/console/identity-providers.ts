import { Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { Role } from '../common/auth/roles.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import {
  parseIdentityProviders,
  type IdentityProviderEntry,
} from '../config/identity-providers.js';

export type { IdentityProviderEntry } from '../config/identity-providers.js';

/** Whether an ID token's claims say the account is of the entry's agency (when it must say so). */
export function belongsToAgency(
  entry: IdentityProviderEntry,
  claims: Record<string, unknown>,
): boolean {
  if (!entry.agencyClaim) return true;
  const value = claims[entry.agencyClaim.name];
  return Array.isArray(value)
    ? value.includes(entry.agencyClaim.value)
    : value === entry.agencyClaim.value;
}

/** The roles an ID token's claim grants under an entry's mapping (unknown values grant nothing). */
export function mapRoles(entry: IdentityProviderEntry, claims: Record<string, unknown>): Role[] {
  const value = claims[entry.rolesClaim];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const roles = new Set<Role>();
  for (const v of values) {
    if (typeof v === 'string' && Object.hasOwn(entry.roles, v)) roles.add(entry.roles[v]);
  }
  return [...roles].sort();
}

/**
 * The agencies' identity providers. Loaded from `FILET_CONSOLE_IDENTITY_PROVIDERS` at start; the
 * demo replaces them with its own provider once it listens. A provider's metadata is discovered at
 * its first sign-in and kept; a failed discovery is retried at the next.
 */
@Injectable()
export class IdentityProviders {
  private entries: IdentityProviderEntry[];
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.entries = [...config.consoleIdentityProviders];
  }

  /** Replaces the providers: the demo's, once it listens (its secrets made in the same process). */
  use(entries: readonly IdentityProviderEntry[]): void {
    this.entries = parseIdentityProviders(entries, {
      env: {},
      production: this.config.nodeEnv === 'production',
      inlineSecrets: true,
    });
    this.discovered.clear();
  }

  list(): readonly IdentityProviderEntry[] {
    return this.entries;
  }

  find(agencyCode: string): IdentityProviderEntry | undefined {
    return this.entries.find((e) => e.agency === agencyCode);
  }

  /** Where the providers send people back. */
  redirectUri(): string {
    return `${this.config.publicUrl}/console/callback`;
  }

  configuration(entry: IdentityProviderEntry): Promise<oidc.Configuration> {
    const cached = this.discovered.get(entry.agency);
    if (cached) return cached;
    const pending = oidc
      .discovery(
        new URL(entry.issuer),
        entry.clientId,
        { redirect_uris: [this.redirectUri()], response_types: ['code'] },
        entry.clientSecret ? oidc.ClientSecretBasic(entry.clientSecret) : oidc.None(),
        entry.allowInsecureHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.discovered.delete(entry.agency);
        throw error;
      });
    this.discovered.set(entry.agency, pending);
    return pending;
  }
}
