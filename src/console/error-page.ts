import type { FastifyRequest } from 'fastify';
import type { ProblemResponse } from '../common/errors/problem.js';
import { ConsoleProblems } from './console.problems.js';
import { safeNext } from './safe-next.js';
import { html } from './html.js';
import { defineMessages } from './i18n.js';
import { page, viewOf } from './layout.js';

const t = defineMessages({
  title: { fr: 'Impossible de continuer', en: 'Cannot continue' },
  code: { fr: 'Code', en: 'Code' },
  request: { fr: 'Référence de la requête', en: 'Request reference' },
  back: { fr: 'Retour à la console', en: 'Back to the console' },
  signIn: { fr: 'Se connecter', en: 'Sign in' },
  fields: { fr: 'Champs à corriger', en: 'Fields to correct' },
  continue: { fr: 'Continuer vers cette page', en: 'Continue to this page' },
});

export function isConsoleRequest(request: FastifyRequest): boolean {
  return (
    request.url === '/console' ||
    request.url.startsWith('/console/') ||
    request.url.startsWith('/console?')
  );
}

/** Where a signed-out visitor goes, keeping the page asked for (GET only). */
export function signInRedirect(request: FastifyRequest): string {
  const next = request.method === 'GET' ? request.url : '/console';
  return `/console/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * A problem as a console page: the same status, code and request id as the API's problem JSON,
 * in the page's language. A signed-out GET is sent to sign in and brought back afterwards.
 */
export function consoleProblem(
  request: FastifyRequest,
  problem: ProblemResponse,
): { status: number; headers: Record<string, string>; body: string } {
  if (
    problem.body.code === ConsoleProblems.signInRequired.code &&
    (request.method === 'GET' || request.method === 'HEAD')
  ) {
    const { 'set-cookie': clear } = problem.headers;
    return {
      status: 303,
      headers: { location: signInRedirect(request), ...(clear ? { 'set-cookie': clear } : {}) },
      body: '',
    };
  }
  const view = viewOf(request, 'UTC');
  const lang = view.lang;
  const signedOut = problem.body.code === ConsoleProblems.signInRequired.code || !view.session;
  const body = html`<div class="notice-box bad" role="alert">
      <p>${problem.body.title}</p>
      ${problem.body.detail ? html`<p>${problem.body.detail}</p>` : ''}
      ${
        problem.body.errors?.length
          ? html`<p>
              ${t(lang, 'fields')} : ${problem.body.errors.map((e) => e.property).join(', ')}
            </p>`
          : ''
      }
    </div>
    <dl class="facts">
      <dt>${t(lang, 'code')}</dt>
      <dd><code>${problem.body.code}</code> (${problem.status})</dd>
      <dt>${t(lang, 'request')}</dt>
      <dd><code>${problem.body.requestId}</code></dd>
    </dl>
    ${
      problem.body.code === ConsoleProblems.crossSite.code
        ? html`<p><a href="${safeNext(request.url)}">${t(lang, 'continue')}</a></p>`
        : ''
    }
    <p>
      ${
        signedOut
          ? html`<a href="${signInRedirect(request)}">${t(lang, 'signIn')}</a>`
          : html`<a href="/console">${t(lang, 'back')}</a>`
      }
    </p>`;
  return {
    status: problem.status,
    headers: { ...problem.headers, 'content-type': 'text/html; charset=utf-8' },
    body: page(view, { title: t(lang, 'title'), body }),
  };
}
