import type { FastifyRequest } from 'fastify';
import type { Role } from '../common/auth/roles.js';
import { negotiateLanguage, type Language } from '../common/i18n/language.js';
import type { ConsoleSession } from './console-sessions.service.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { defineMessages, type Locale } from './i18n.js';
import { readCookie } from './console-sessions.service.js';

export const LANGUAGE_COOKIE = 'filet-lang';

/** What every page is rendered with. */
export interface View extends Locale {
  readonly session: ConsoleSession | undefined;
  /** The current path and query, for the language switch and sign-in's way back. */
  readonly path: string;
}

/** The language chosen with the switch (a cookie), else the browser's Accept-Language. */
export function languageOf(request: FastifyRequest): Language {
  const chosen = readCookie(request.headers.cookie, LANGUAGE_COOKIE);
  if (chosen === 'fr' || chosen === 'en') return chosen;
  return negotiateLanguage(request.headers['accept-language']);
}

export function viewOf(request: FastifyRequest, timeZone: string): View {
  return {
    lang: languageOf(request),
    timeZone,
    session: request.consoleSession,
    path: request.url,
  };
}

const t = defineMessages({
  product: { fr: 'Filet — console', en: 'Filet — console' },
  skip: { fr: 'Aller au contenu', en: 'Skip to content' },
  nav: { fr: 'Navigation principale', en: 'Main navigation' },
  dashboard: { fr: 'Tableau de bord', en: 'Dashboard' },
  audit: { fr: 'Journal', en: 'Audit log' },
  integrity: { fr: 'Intégrité', en: 'Log integrity' },
  reviews: { fr: 'Révisions', en: 'Reviews' },
  notices: { fr: 'Avis retenus', en: 'Held notices' },
  register: { fr: 'Registre', en: 'Register' },
  access: { fr: "Demandes d'accès", en: 'Subject access' },
  policies: { fr: 'Politiques', en: 'Policies' },
  signOut: { fr: 'Se déconnecter', en: 'Sign out' },
  switchTo: { fr: 'English', en: 'Français' },
  switchLabel: { fr: 'Switch to English', en: 'Passer en français' },
  roles: { fr: 'Rôles', en: 'Roles' },
  footer: {
    fr: 'Chaque consultation de cette console est inscrite au journal.',
    en: 'Every page viewed in this console is recorded in the log.',
  },
});

const ROLE_NAMES: Record<Role, { fr: string; en: string }> = {
  agency_user: { fr: 'intervenant·e', en: 'agency user' },
  coordinator: { fr: 'coordination', en: 'coordinator' },
  privacy_officer: { fr: 'responsable de la protection des renseignements', en: 'privacy officer' },
  legal_reviewer: { fr: 'révision juridique', en: 'legal reviewer' },
  admin: { fr: 'administration', en: 'administrator' },
};

export function roleName(lang: Language, role: Role): string {
  return ROLE_NAMES[role][lang];
}

export type Section =
  'dashboard' | 'audit' | 'integrity' | 'reviews' | 'notices' | 'register' | 'access' | 'policies';

/** Each section with the roles that reach it — the same roles as the API routes it reads. */
export const SECTIONS: readonly { section: Section; href: string; roles: readonly Role[] }[] = [
  { section: 'dashboard', href: '/console/dashboard', roles: ['coordinator', 'privacy_officer'] },
  { section: 'audit', href: '/console/audit', roles: ['privacy_officer'] },
  {
    section: 'integrity',
    href: '/console/integrity',
    roles: ['privacy_officer', 'legal_reviewer'],
  },
  { section: 'reviews', href: '/console/reviews', roles: ['legal_reviewer', 'privacy_officer'] },
  { section: 'notices', href: '/console/notices', roles: ['privacy_officer'] },
  { section: 'register', href: '/console/register', roles: ['privacy_officer'] },
  { section: 'access', href: '/console/access', roles: ['privacy_officer'] },
  { section: 'policies', href: '/console/policies', roles: [] },
];

export function sectionsFor(roles: readonly Role[]): typeof SECTIONS {
  return SECTIONS.filter((s) => s.roles.length === 0 || s.roles.some((r) => roles.includes(r)));
}

function languageSwitch(view: View): SafeHtml {
  const other: Language = view.lang === 'fr' ? 'en' : 'fr';
  const href = `/console/language?to=${other}&next=${encodeURIComponent(view.path)}`;
  return html`<a
    class="lang"
    href="${href}"
    lang="${other}"
    hreflang="${other}"
    aria-label="${t(view.lang, 'switchLabel')}"
    >${t(view.lang, 'switchTo')}</a
  >`;
}

/** The token every form carries (the session's), checked by the guard. */
export function csrfField(view: View): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${view.session?.csrfToken ?? ''}" />`;
}

export interface PageOptions {
  readonly title: string;
  readonly section?: Section;
  readonly body: HtmlValue;
}

/** A whole page: header with the agency, the person and the language switch, navigation, content. */
export function page(view: View, { title, section, body }: PageOptions): string {
  const session = view.session;
  const lang = view.lang;
  const header = session
    ? html`<div class="who">
          <span class="agency">${session.agencyNames[lang]}</span>
          <span class="person">${session.displayName ?? session.principal.subject}</span>
          <span class="roles"
            ><span class="visually-hidden">${t(lang, 'roles')} : </span
            >${session.principal.roles.map((r) => roleName(lang, r)).join(', ')}</span
          >
        </div>
        ${languageSwitch(view)}
        <form method="post" action="/console/sign-out" class="sign-out">
          ${csrfField(view)}
          <button type="submit">${t(lang, 'signOut')}</button>
        </form>`
    : languageSwitch(view);
  const nav = session
    ? html`<nav aria-label="${t(lang, 'nav')}">
        <ul>
          ${sectionsFor(session.principal.roles).map(
            (s) =>
              html`<li>
                <a href="${s.href}" ${s.section === section ? html` aria-current="page"` : ''}
                  >${t(lang, s.section)}</a
                >
              </li>`,
          )}
        </ul>
      </nav>`
    : '';
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${t(lang, 'product')}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t(lang, 'skip')}</a>
        <header class="top">
          <a class="brand" href="/console">${t(lang, 'product')}</a>
          ${header}
        </header>
        ${nav}
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${body}
        </main>
        <footer><p>${t(lang, 'footer')}</p></footer>
      </body>
    </html>`.value;
}
