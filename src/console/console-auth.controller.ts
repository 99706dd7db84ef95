import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { auditContextOf } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { ConsoleAccess, Public } from '../common/auth/access.decorator.js';
import { isRole, type Role } from '../common/auth/roles.js';
import { DomainError } from '../common/errors/domain-error.js';
import { RateLimitProblems } from '../common/rate-limit/rate-limit.problems.js';
import { clientAddressKey, RateLimiter } from '../common/rate-limit/rate-limiter.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { ConsoleProblems } from './console.problems.js';
import {
  ConsoleSessions,
  LOGIN_COOKIE,
  readCookie,
  sameSecret,
  SESSION_COOKIE,
} from './console-sessions.service.js';
import { safeNext } from './safe-next.js';
import { AgencyCodeDto, SafeNextDto, LanguageSwitchDto } from './dto/console-auth.dto.js';
import { html } from './html.js';
import { defineMessages } from './i18n.js';
import { belongsToAgency, mapRoles, IdentityProviders } from './identity-providers.js';
import { SUBJECT } from '../common/validation/patterns.js';
import { LANGUAGE_COOKIE, languageOf, page, sectionsFor, viewOf } from './layout.js';

const t = defineMessages({
  title: { fr: 'Connexion', en: 'Sign in' },
  intro: {
    fr: 'Connectez-vous avec le compte de votre organisme. Filet ne connaît pas votre mot de passe : votre organisme vous identifie et indique vos rôles.',
    en: 'Sign in with your agency account. Filet never sees your password: your agency identifies you and states your roles.',
  },
  choose: { fr: 'Votre organisme', en: 'Your agency' },
  none: {
    fr: "Aucun fournisseur d'identité n'est configuré (FILET_CONSOLE_IDENTITY_PROVIDERS).",
    en: 'No identity provider is configured (FILET_CONSOLE_IDENTITY_PROVIDERS).',
  },
  signedOut: { fr: 'Vous êtes déconnecté·e.', en: 'You are signed out.' },
  code: { fr: 'Code de votre organisme', en: "Your agency's code" },
  codeHint: {
    fr: "Par exemple police-vsl ; votre administrateur vous l'a donné.",
    en: 'For example police-vsl; your administrator gave it to you.',
  },
  continue: { fr: 'Continuer', en: 'Continue' },
  landing: { fr: 'Connexion réussie', en: 'Signed in' },
  go: { fr: 'Continuer vers la console', en: 'Continue to the console' },
  nothing: {
    fr: 'Votre rôle ne donne accès à aucune page de la console.',
    en: 'Your role gives access to no page of the console.',
  },
});

function cookie(name: string, value: string, maxAgeSeconds: number, path = '/'): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

function seeOther(reply: FastifyReply, location: string, cookies: string[] = []): void {
  if (cookies.length) void reply.header('set-cookie', cookies);
  void reply.code(303).header('location', location).header('content-length', '0').send();
}

/**
 * Signing in and out of the console (DESIGN §1) through each agency's OpenID provider:
 * authorization code with PKCE (S256), state bound to the browser by a cookie, nonce checked in
 * the ID token. Roles come from the token's claims through the agency's mapping, limited to the
 * roles the agency may grant. Sign-in, refusal and sign-out are recorded.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleAuthController {
  /**
   * Sign-ins per client address: each start writes a pending sign-in, each callback calls the
   * provider, so neither may be flooded. A tenth of the API's per-agency rate, at least 60/min.
   */
  private readonly signIns: RateLimiter;

  constructor(
    private readonly providers: IdentityProviders,
    private readonly sessions: ConsoleSessions,
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.signIns = new RateLimiter({
      perMinute: config.rateLimitPerMinute === 0 ? 0 : Math.max(60, config.rateLimitPerMinute / 10),
      burst: Math.max(20, Math.floor(config.rateLimitBurst / 10)),
    });
  }

  private limitSignIns(request: FastifyRequest): void {
    const verdict = this.signIns.take(clientAddressKey(request.ip));
    if (!verdict.allowed) {
      throw new DomainError(RateLimitProblems.exceeded, {
        headers: { 'retry-after': String(verdict.retryAfterSeconds) },
      });
    }
  }

  @Get()
  @ConsoleAccess()
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // Where each person starts: the dashboard, else the review queue, else the policies.
    const reachable = sectionsFor(request.principal?.roles ?? []).map((s) => s.section);
    const start = (['dashboard', 'reviews', 'policies'] as const).find((s) =>
      reachable.includes(s),
    );
    seeOther(reply, `/console/${start ?? 'policies'}`);
  }

  /**
   * The sign-in page. Which agencies are on the table is not for anyone who asks: the page asks
   * for the agency's code, and lists the agencies only where the table chose to
   * (`FILET_CONSOLE_LIST_AGENCIES`, on with the fictional demo network).
   */
  @Get('sign-in')
  @Public()
  async signInPage(
    @Req() request: FastifyRequest,
    @Query() query: SafeNextDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const view = { ...viewOf(request, this.config.timeZone), session: undefined };
    const lang = view.lang;
    const entries = this.providers.list();
    const agencies =
      entries.length && this.config.consoleListAgencies
        ? ((await this.dataSource.query(
            `SELECT code, name_fr, name_en FROM agency WHERE status = 'active' AND code = ANY($1) ORDER BY code`,
            [entries.map((e) => e.agency)],
          )) as { code: string; name_fr: string; name_en: string }[])
        : [];
    const next = safeNext(query.next);
    const list = html`<ul class="providers" aria-labelledby="providers">
      ${agencies.map((a) => {
        const entry = entries.find((e) => e.agency === a.code);
        const name = lang === 'fr' ? a.name_fr : a.name_en;
        return html`<li>
          <a href="/console/sign-in/${a.code}?next=${encodeURIComponent(next)}"
            >${name}${entry?.label ? html`<br /><small>${entry.label[lang]}</small>` : ''}</a
          >
        </li>`;
      })}
    </ul>`;
    const byCode = html`<form method="get" action="/console/sign-in/agency" class="filters">
      <input type="hidden" name="next" value="${next}" />
      <div class="field">
        <label for="agency-code">${t(lang, 'code')}</label>
        <input id="agency-code" name="agency" required autocomplete="organization"
          pattern="[a-z0-9][a-z0-9\-]{1,62}" aria-describedby="agency-code-hint" />
        <small id="agency-code-hint">${t(lang, 'codeHint')}</small>
      </div>
      <button type="submit">${t(lang, 'continue')}</button>
    </form>`;
    const body = html`${query.signedOut ? html`<div class="notice-box ok" role="status"><p>${t(lang, 'signedOut')}</p></div>` : ''}
      <p>${t(lang, 'intro')}</p>
      <h2 id="providers">${t(lang, 'choose')}</h2>
      ${entries.length ? (agencies.length ? list : byCode) : html`<p>${t(lang, 'none')}</p>`}`;
    void reply.header('content-type', 'text/html; charset=utf-8');
    return page(view, { title: t(lang, 'title'), body });
  }

  /** The code typed on the sign-in page: on to that agency's provider. */
  @Get('sign-in/agency')
  @Public()
  byCode(@Query() query: AgencyCodeDto, @Res() reply: FastifyReply): void {
    seeOther(
      reply,
      `/console/sign-in/${query.agency}?next=${encodeURIComponent(safeNext(query.next))}`,
    );
  }

  /** Sends the browser to the agency's provider with a fresh state, nonce and PKCE challenge. */
  @Get('sign-in/:agency')
  @Public()
  async start(
    @Req() request: FastifyRequest,
    @Query() query: SafeNextDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.limitSignIns(request);
    const code = (request.params as { agency: string }).agency;
    const entry = /^[a-z0-9][a-z0-9-]{1,62}$/.test(code) ? this.providers.find(code) : undefined;
    const agency = entry
      ? (
          (await this.dataSource.query(
            `SELECT id FROM agency WHERE code = $1 AND status = 'active'`,
            [code],
          )) as { id: string }[]
        )[0]
      : undefined;
    if (!entry || !agency) throw new DomainError(ConsoleProblems.unknownProvider);
    const configuration = await this.providers.configuration(entry).catch((error: unknown) => {
      throw new DomainError(ConsoleProblems.providerUnavailable, { cause: error });
    });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = await this.sessions.begin({
      agencyId: agency.id,
      codeVerifier,
      nonce,
      returnTo: safeNext(query.next),
      language: languageOf(request),
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.providers.redirectUri(),
      scope: entry.scope,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: languageOf(request),
      // The person proves who they are at every sign-in: on a shared computer, the provider's own
      // session must not sign the next person in as the previous one.
      prompt: 'login',
    });
    seeOther(reply, url.href, [cookie(LOGIN_COOKIE, state, 600)]);
  }

  /** The provider's answer: the code is exchanged, the ID token checked, the session opened. */
  @Get('callback')
  @Public()
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.limitSignIns(request);
    const params = new URL(request.url, 'http://callback').searchParams;
    const state = params.get('state') ?? '';
    const bound = readCookie(request.headers.cookie, LOGIN_COOKIE);
    const clearLogin = cookie(LOGIN_COOKIE, '', 0);
    // The state must be the one this browser was given: a callback link from elsewhere signs no one in.
    const login =
      state && bound && sameSecret(state, bound) ? await this.sessions.takeLogin(state) : undefined;
    if (!login) {
      await this.refuse(request, ConsoleProblems.signInFailed.code);
      throw new DomainError(ConsoleProblems.signInFailed, {
        headers: { 'set-cookie': clearLogin },
      });
    }
    const agency = (
      (await this.dataSource.query(
        `SELECT id, code, sector, allowed_roles FROM agency WHERE id = $1 AND status = 'active'`,
        [login.agencyId],
      )) as { id: string; code: string; sector: string; allowed_roles: string[] }[]
    )[0];
    const entry = agency ? this.providers.find(agency.code) : undefined;
    if (!agency || !entry) throw new DomainError(ConsoleProblems.unknownProvider);
    let claims: Record<string, unknown>;
    try {
      const configuration = await this.providers.configuration(entry);
      const current = new URL(this.providers.redirectUri());
      current.search = params.toString();
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    } catch (error) {
      await this.refuse(request, ConsoleProblems.signInFailed.code, agency.id);
      throw new DomainError(ConsoleProblems.signInFailed, {
        cause: error,
        headers: { 'set-cookie': clearLogin },
      });
    }
    // One provider may serve several agencies: the account must be this agency's.
    if (!belongsToAgency(entry, claims)) {
      await this.refuse(request, ConsoleProblems.wrongAgency.code, agency.id);
      throw new DomainError(ConsoleProblems.wrongAgency, { headers: { 'set-cookie': clearLogin } });
    }
    // The subject goes into the permanent log as the actor: an opaque id, as the API requires of a
    // token's `sub` — never an e-mail address or a name, which the log could not forget.
    const subject = typeof claims.sub === 'string' && SUBJECT.test(claims.sub) ? claims.sub : '';
    if (!subject) {
      await this.refuse(request, ConsoleProblems.subjectUnusable.code, agency.id);
      throw new DomainError(ConsoleProblems.subjectUnusable, {
        headers: { 'set-cookie': clearLogin },
      });
    }
    const roles = mapRoles(entry, claims).filter(
      (r): r is Role => isRole(r) && agency.allowed_roles.includes(r),
    );
    if (roles.length === 0) {
      await this.refuse(request, ConsoleProblems.noRole.code, agency.id);
      throw new DomainError(ConsoleProblems.noRole, { headers: { 'set-cookie': clearLogin } });
    }
    // Shown in the header only (never logged nor recorded); no control characters.
    const displayName =
      typeof claims.name === 'string'
        ? claims.name.replace(/[\p{Cc}\p{Cs}]/gu, '').slice(0, 200) || null
        : null;
    // A sign-in in a browser that still holds a session ends that session.
    const previous = await this.sessions.authenticate(request.headers.cookie);
    if (previous) await this.sessions.end(previous.id);
    const session = await this.sessions.create({
      agencyId: agency.id,
      subject,
      displayName,
      roles,
    });
    request.principal = {
      agencyId: agency.id,
      agencySector: agency.sector,
      subject,
      roles,
      tokenId: `console-session:${session.id}`,
    };
    await this.audit.record(auditContextOf(request), {
      action: 'console.sign_in',
      outcome: 'success',
      targets: { sessionId: session.id },
    });
    // Not a redirect: the provider's answer is a cross-site navigation, and a redirect would carry
    // that into the first page (which then asks the person to confirm). A page that moves on by
    // itself makes the next request a same-origin one.
    const lang = login.language;
    void reply
      .code(200)
      .header('set-cookie', [
        clearLogin,
        cookie(SESSION_COOKIE, session.secret, this.config.consoleSessionHours * 3600),
        cookie(LANGUAGE_COOKIE, lang, 31_536_000),
      ])
      .header('content-type', 'text/html; charset=utf-8')
      .send(
        html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${login.returnTo}">
<title>${t(lang, 'landing')} — Filet</title>
<link rel="stylesheet" href="/console/assets/console.css"></head>
<body><main id="main"><h1>${t(lang, 'landing')}</h1>
<p><a href="${login.returnTo}">${t(lang, 'go')}</a></p></main></body>
</html>`.value,
      );
  }

  @Post('sign-out')
  @ConsoleAccess()
  @HttpCode(303)
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = request.consoleSession!;
    await this.sessions.end(session.id);
    await this.audit.record(auditContextOf(request), {
      action: 'console.sign_out',
      outcome: 'success',
      targets: { sessionId: session.id },
    });
    seeOther(reply, '/console/sign-in?signedOut=1', [cookie(SESSION_COOKIE, '', 0)]);
  }

  @Get('language')
  @Public()
  language(@Query() query: LanguageSwitchDto, @Res() reply: FastifyReply): void {
    seeOther(reply, safeNext(query.next), [cookie(LANGUAGE_COOKIE, query.to, 31_536_000)]);
  }

  @Get('assets/console.css')
  @Public()
  css(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(CONSOLE_CSS);
  }

  @Get('assets/console.js')
  @Public()
  js(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(CONSOLE_JS);
  }

  private async refuse(request: FastifyRequest, reason: string, agencyId?: string): Promise<void> {
    await this.audit.record(auditContextOf(request), {
      action: 'console.sign_in',
      outcome: 'failure',
      reasonCodes: [reason],
      // The agency is a target, never a party: anyone can start a sign-in and fail it, and must not
      // fill an agency's view of the log with records in its name.
      ...(agencyId ? { targets: { agencyId } } : {}),
    });
  }
}
