import type { Role } from '../../src/common/auth/roles.js';
import { ConsoleSessions, SESSION_COOKIE } from '../../src/console/console-sessions.service.js';
import type { HttpResult, TestApp } from './test-app.js';

/** Headers asking for the console's pages in English (French is the default). */
export const EN = { 'accept-language': 'en-CA,en;q=0.9' };

/** A signed-in console user over real HTTP: the session cookie and its CSRF token. */
export interface ConsoleClient {
  readonly sessionId: string;
  readonly cookie: string;
  readonly csrf: string;
  /** GET a console page (redirects are not followed: a 303 is returned as is). */
  get(path: string, headers?: Record<string, string>): Promise<HttpResult<undefined>>;
  /** POST a form with the session's CSRF token and the console's origin, unless overridden. */
  post(
    path: string,
    fields?: Record<string, string | readonly string[]>,
    options?: { csrf?: string | null; origin?: string | null; headers?: Record<string, string> },
  ): Promise<HttpResult<undefined>>;
}

async function send(
  app: TestApp,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<HttpResult<undefined>> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    headers: response.headers,
    body: undefined,
    text: await response.text(),
  };
}

/**
 * A console session opened directly in the broker's session store, as the OpenID sign-in opens
 * one — for testing pages over HTTP. The sign-in itself is tested through the demo provider, in a
 * real browser (`test/browser`).
 */
export async function consoleClient(
  app: TestApp,
  agencyId: string,
  roles: readonly Role[],
  subject = 'staff-0001',
): Promise<ConsoleClient> {
  const sessions = app.app.get(ConsoleSessions);
  const { id, secret } = await sessions.create({ agencyId, subject, displayName: null, roles });
  const rows = (await app.dataSource.query(`SELECT csrf_token FROM console_session WHERE id = $1`, [
    id,
  ])) as { csrf_token: string }[];
  const csrf = rows[0].csrf_token;
  const cookie = `${SESSION_COOKIE}=${secret}`;
  return {
    sessionId: id,
    cookie,
    csrf,
    get: (path, headers = {}) => send(app, 'GET', path, { cookie, ...headers }),
    post: (path, fields = {}, options = {}) => {
      const form = new URLSearchParams();
      const token = options.csrf === undefined ? csrf : options.csrf;
      if (token !== null) form.append('_csrf', token);
      for (const [name, value] of Object.entries(fields)) {
        for (const v of typeof value === 'string' ? [value] : value) form.append(name, v);
      }
      const origin = options.origin === undefined ? app.baseUrl : options.origin;
      return send(
        app,
        'POST',
        path,
        {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin === null ? {} : { origin }),
          ...options.headers,
        },
        form.toString(),
      );
    },
  };
}
