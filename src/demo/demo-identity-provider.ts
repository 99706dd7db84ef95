import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { IdentityProviderEntry } from '../console/identity-providers.js';
import { escapeHtml } from '../console/html.js';
import { DEMO_GROUP_ROLES, DEMO_NETWORK, DEMO_STAFF, type DemoStaff } from './demo-network.js';

export interface DemoIdentityProvider {
  readonly issuer: string;
  /** One entry per demo agency with staff: what the broker is configured with. */
  readonly entries: readonly IdentityProviderEntry[];
  close(): Promise<void>;
}

const SCOPE = 'openid profile groups';

/** One provider's adapter class: its own stores, one per model name. */
function memoryAdapter(): new (name: string) => MemoryAdapter {
  const stores = new Map<string, Map<string, { payload: Payload; expires: number }>>();
  return class extends MemoryAdapter {
    constructor(name: string) {
      let store = stores.get(name);
      if (!store) stores.set(name, (store = new Map()));
      super(store);
    }
  };
}

type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string };

/**
 * The provider's short-lived state (sessions, interactions, codes, grants) in this process's
 * memory, with each entry's expiry: the demo's provider starts afresh with the broker.
 */
class MemoryAdapter {
  constructor(private readonly store: Map<string, { payload: Payload; expires: number }>) {}

  upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
    this.store.set(id, { payload, expires: Date.now() + expiresIn * 1000 });
    return Promise.resolve();
  }

  find(id: string): Promise<Payload | undefined> {
    const entry = this.store.get(id);
    if (entry && entry.expires < Date.now()) this.store.delete(id);
    return Promise.resolve(entry && entry.expires >= Date.now() ? entry.payload : undefined);
  }

  private findWhere(match: (p: Payload) => boolean): Promise<Payload | undefined> {
    for (const [id] of this.store) {
      const entry = this.store.get(id);
      if (entry && entry.expires >= Date.now() && match(entry.payload))
        return Promise.resolve(entry.payload);
    }
    return Promise.resolve(undefined);
  }

  findByUid(uid: string): Promise<Payload | undefined> {
    return this.findWhere((p) => p.uid === uid);
  }

  findByUserCode(userCode: string): Promise<Payload | undefined> {
    return this.findWhere((p) => p.userCode === userCode);
  }

  consume(id: string): Promise<void> {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.store.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.store)
      if (entry.payload.grantId === grantId) this.store.delete(id);
    return Promise.resolve();
  }
}

function clientIdOf(agency: string): string {
  return `filet-${agency}`;
}

function staffOfClient(clientId: unknown): DemoStaff[] {
  return DEMO_STAFF.filter((s) => clientIdOf(s.agency) === clientId);
}

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy();
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function loginPage(uid: string, staff: readonly DemoStaff[], lang: 'fr' | 'en'): string {
  const agency = DEMO_NETWORK.find((a) => a.code === staff[0]?.agency);
  const text =
    lang === 'fr'
      ? {
          title: "Fournisseur d'identité de démonstration",
          intro:
            "Ce fournisseur remplace, pour la démonstration, celui de l'organisme. Les personnes sont fictives et n'ont pas de mot de passe.",
          as: 'Se connecter comme',
        }
      : {
          title: 'Demo identity provider',
          intro:
            "For the demo, this provider stands in for the agency's own. The people are fictional and have no password.",
          as: 'Sign in as',
        };
  const buttons = staff
    .map(
      (s) =>
        `<li><form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
        `<input type="hidden" name="account" value="${escapeHtml(s.sub)}">` +
        `<button type="submit">${text.as} ${escapeHtml(s.name)} — ${escapeHtml(s.title[lang])}</button></form></li>`,
    )
    .join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text.title}</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem;color:#1b1f24}
button{font:inherit;padding:.6rem 1rem;margin:.3rem 0;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;border-radius:3px;cursor:pointer}
ul{list-style:none;padding:0}</style></head><body><main><h1>${text.title}</h1>
<p><strong>${escapeHtml(agency ? agency.names[lang] : '')}</strong></p><p>${text.intro}</p><ul>${buttons}</ul></main></body></html>`;
}

/**
 * The demo's OpenID provider (`oidc-provider`), standing in for each demo agency's own: one
 * client per agency, the fictional staff of `DEMO_STAFF`, no passwords. Started by `npm start`
 * with the demo seed and by the console's tests; never in production.
 */
export async function startDemoIdentityProvider(options: {
  readonly host: string;
  readonly port: number;
  /** The broker's `/console/callback`. */
  readonly redirectUri: string;
}): Promise<DemoIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const agencies = [...new Set(DEMO_STAFF.map((s) => s.agency))];
  const secrets = new Map(agencies.map((a) => [a, randomBytes(24).toString('base64url')]));

  const configuration: Configuration = {
    adapter: memoryAdapter(),
    clients: agencies.map((agency) => ({
      client_id: clientIdOf(agency),
      client_secret: secrets.get(agency)!,
      redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile', 'groups'],
    claims: { openid: ['sub', 'filet_agency'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      // One provider for every demo agency: an account exists only for its own agency's client,
      // so the provider's session of one agency's person never signs in at another agency.
      const person = DEMO_STAFF.find(
        (s) => s.sub === sub && clientIdOf(s.agency) === ctx.oidc?.client?.clientId,
      );
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: person.name,
          groups: [...person.groups],
          filet_agency: person.agency,
        }),
      };
    },
    // First-party clients: the demo's staff are not asked to consent to their own console.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const grantId =
        oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({
        clientId: oidc.client!.clientId,
        accountId: oidc.session!.accountId!,
      });
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!match) {
      callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const staff = staffOfClient(details.params.client_id);
        if (!match[2] && req.method === 'GET') {
          const lang = String(details.params.ui_locales ?? '').startsWith('en') ? 'en' : 'fr';
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
          });
          res.end(loginPage(details.uid, staff, lang));
          return;
        }
        if (match[2] && req.method === 'POST') {
          const account = (await readBody(req)).get('account');
          const person = staff.find((s) => s.sub === account);
          if (!person) {
            res
              .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
              .end('unknown account');
            return;
          }
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: person.sub } },
            {
              mergeWithLastSubmission: false,
            },
          );
          return;
        }
        res.writeHead(405).end();
      } catch {
        res
          .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
          .end('interaction expired');
      }
    })();
  });

  return {
    issuer,
    entries: agencies.map((agency) => ({
      agency,
      issuer,
      clientId: clientIdOf(agency),
      clientSecret: secrets.get(agency),
      scope: SCOPE,
      rolesClaim: 'groups',
      roles: DEMO_GROUP_ROLES,
      label: { fr: "Fournisseur d'identité de démonstration", en: 'Demo identity provider' },
      agencyClaim: { name: 'filet_agency', value: agency },
      allowInsecureHttp: true,
    })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
