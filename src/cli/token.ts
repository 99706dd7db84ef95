import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { ROLES, isRole } from '../common/auth/roles.js';
import { loadConfig } from '../config/app-config.js';
import { findDemoKey, readDemoKeys } from '../demo/demo-keys.js';

const USAGE = `Usage: npm run -s token -- --agency <code|id> [--sub <user>] [--roles <r1,r2>] [--ttl <seconds>]
  Imprime un jeton de démonstration signé par la clé de l'organisme (var/keys).
  Prints a demo token signed with the agency's demo key (var/keys).
  roles: ${ROLES.join(', ')}`;

function die(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `npm run token`: a short-lived, single-use demo JWT. Refuses to run in production. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.nodeEnv === 'production') {
    die(
      'Refusé : pas de jetons de démonstration en production (NODE_ENV=production). / ' +
        'Refused: no demo tokens in production (NODE_ENV=production).',
    );
  }
  let values: { agency?: string; sub?: string; roles?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        agency: { type: 'string' },
        sub: { type: 'string' },
        roles: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    die(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.agency) die('--agency est requis / --agency is required');
  const key = await findDemoKey(config.keysDir, values.agency);
  if (!key) {
    const known = (await readDemoKeys(config.keysDir)).map((k) => k.code);
    die(
      `Aucune clé de démonstration pour « ${values.agency} » / no demo key for "${values.agency}". ` +
        (known.length ? `Connus / known: ${known.join(', ')}` : 'Lancez / run `npm start` first.'),
    );
  }
  const roles = (values.roles ?? 'agency_user').split(',').map((r) => r.trim());
  if (!roles.every(isRole)) die(`Rôle inconnu / unknown role: ${roles.join(',')}`);
  const ttl = Number(values.ttl ?? 120);
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > config.maxTokenLifetimeSeconds) {
    die(`--ttl: 10..${config.maxTokenLifetimeSeconds}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ roles })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(key.agencyId)
    .setSubject(values.sub ?? 'demo-user')
    .setAudience(config.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(await importJWK(key.privateJwk, key.alg));
  console.log(token);
}

void main();
