import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PrincipalContext } from '../common/auth/principal.js';
import { isRole, type Role } from '../common/auth/roles.js';
import type { Language } from '../common/i18n/language.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';

/** The session cookie: host-only, https only, never read by scripts, not sent on cross-site posts. */
export const SESSION_COOKIE = '__Host-filet-session';
/** Tells the browser to forget its session cookie. */
export const CLEAR_SESSION_COOKIE = `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
/** A sign-in's state, from the provider's redirect back to us (which is a cross-site navigation). */
export const LOGIN_COOKIE = '__Host-filet-login';

/** A signed-in member of an agency's staff. */
export interface ConsoleSession {
  readonly id: string;
  readonly principal: PrincipalContext;
  readonly displayName: string | null;
  readonly csrfToken: string;
  readonly agencyCode: string;
  readonly agencyNames: { readonly fr: string; readonly en: string };
  readonly expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
  }
}

export interface PendingLogin {
  readonly agencyId: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly language: Language;
}

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Reads one cookie from a Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session secret a Cookie header presents, when it has the shape of one. */
export function presentedSessionSecret(header: string | undefined): string | undefined {
  const secret = readCookie(header, SESSION_COOKIE);
  return secret && /^[A-Za-z0-9_-]{43}$/.test(secret) ? secret : undefined;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface SessionRow {
  id: string;
  agency_id: string;
  sector: string;
  code: string;
  name_fr: string;
  name_en: string;
  allowed_roles: string[];
  subject: string;
  display_name: string | null;
  roles: string[];
  csrf_token: string;
  expires_at: Date;
  stale: boolean;
}

/**
 * Console sessions, kept in PostgreSQL so every broker instance knows them and sign-out is
 * immediate. The browser holds a random secret; the table holds its hash. A session ends after
 * `FILET_CONSOLE_IDLE_MINUTES` without a request, `FILET_CONSOLE_SESSION_HOURS` after sign-in, at
 * sign-out, or when its agency is suspended; its roles are re-checked against the agency's at
 * every request.
 */
@Injectable()
export class ConsoleSessions implements OnModuleInit, OnModuleDestroy {
  private purging: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.purging = setInterval(() => void this.purge().catch(() => undefined), 10 * 60_000);
    this.purging.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purging);
  }

  /**
   * Forgets sign-ins that were never completed and sessions a day after they ended or expired
   * (a session row holds the person's name as their provider gave it). Every ten minutes.
   */
  async purge(): Promise<void> {
    await this.dataSource.query(`DELETE FROM console_login WHERE expires_at < now()`);
    await this.dataSource.query(
      `DELETE FROM console_session
        WHERE expires_at < now() - interval '1 day' OR ended_at < now() - interval '1 day'
           OR last_seen_at < now() - make_interval(mins => $1) - interval '1 day'`,
      [this.config.consoleIdleMinutes],
    );
  }

  async begin(login: PendingLogin): Promise<string> {
    const state = newSecret();
    await this.dataSource.query(`DELETE FROM console_login WHERE expires_at < now()`);
    await this.dataSource.query(
      `INSERT INTO console_login (state_hash, agency_id, code_verifier, nonce, return_to, language, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + interval '10 minutes')`,
      [
        sha256(state),
        login.agencyId,
        login.codeVerifier,
        login.nonce,
        login.returnTo,
        login.language,
      ],
    );
    return state;
  }

  /** The sign-in this state belongs to, once: it is deleted as it is read. */
  async takeLogin(state: string): Promise<PendingLogin | undefined> {
    const rows = (await this.dataSource.query(
      `DELETE FROM console_login WHERE state_hash = $1 AND expires_at > now()
       RETURNING agency_id, code_verifier, nonce, return_to, language`,
      [sha256(state)],
    )) as [
      {
        agency_id: string;
        code_verifier: string;
        nonce: string;
        return_to: string;
        language: Language;
      }[],
      number,
    ];
    const row = rows[0]?.[0];
    return row
      ? {
          agencyId: row.agency_id,
          codeVerifier: row.code_verifier,
          nonce: row.nonce,
          returnTo: row.return_to,
          language: row.language,
        }
      : undefined;
  }

  async create(input: {
    agencyId: string;
    subject: string;
    displayName: string | null;
    roles: readonly Role[];
  }): Promise<{ id: string; secret: string }> {
    const secret = newSecret();
    const rows = (await this.dataSource.query(
      `INSERT INTO console_session (secret_hash, agency_id, subject, display_name, roles, csrf_token, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7)) RETURNING id`,
      [
        sha256(secret),
        input.agencyId,
        input.subject,
        input.displayName,
        input.roles,
        newSecret(),
        this.config.consoleSessionHours,
      ],
    )) as { id: string }[];
    return { id: rows[0].id, secret };
  }

  /** The live session a Cookie header names, or undefined (none, unknown, ended, idle, expired). */
  async authenticate(cookieHeader: string | undefined): Promise<ConsoleSession | undefined> {
    const secret = presentedSessionSecret(cookieHeader);
    if (!secret) return undefined;
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.agency_id, a.sector, a.code, a.name_fr, a.name_en, a.allowed_roles,
              s.subject, s.display_name, s.roles, s.csrf_token, s.expires_at,
              s.last_seen_at < now() - interval '30 seconds' AS stale
         FROM console_session s JOIN agency a ON a.id = s.agency_id
        WHERE s.secret_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2) AND a.status = 'active'`,
      [sha256(secret), this.config.consoleIdleMinutes],
    )) as SessionRow[];
    const row = rows[0];
    if (!row) return undefined;
    // Seen: written at most every 30 s, so a page's assets do not each write.
    if (row.stale) {
      await this.dataSource.query(`UPDATE console_session SET last_seen_at = now() WHERE id = $1`, [
        row.id,
      ]);
    }
    const roles = row.roles.filter((r): r is Role => isRole(r) && row.allowed_roles.includes(r));
    return {
      id: row.id,
      principal: {
        agencyId: row.agency_id,
        agencySector: row.sector,
        subject: row.subject,
        roles,
        tokenId: `console-session:${row.id}`,
      },
      displayName: row.display_name,
      csrfToken: row.csrf_token,
      agencyCode: row.code,
      agencyNames: { fr: row.name_fr, en: row.name_en },
      expiresAt: row.expires_at,
    };
  }

  async end(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE console_session SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`,
      [id],
    );
  }
}
