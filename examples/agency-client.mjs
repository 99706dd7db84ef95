// How an agency system calls Filet: sign a short-lived, single-use JWT with the agency's own
// private key, then send it as a bearer token. Runnable against the demo broker:
//
//   node examples/agency-client.mjs var/keys/police-vsl.json
//
// Environment: FILET_URL (default http://127.0.0.1:3000), FILET_AUDIENCE (default urn:filet:broker).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importJWK, SignJWT } from 'jose';

const keyFile = process.argv[2];
if (!keyFile) {
  console.error('usage: node examples/agency-client.mjs <key file, e.g. var/keys/police-vsl.json>');
  process.exit(2);
}
// { agencyId, kid, alg, privateJwk }: in production the private key stays in the agency's own vault.
const { agencyId, kid, alg, privateJwk } = JSON.parse(await readFile(keyFile, 'utf8'));
const broker = process.env.FILET_URL ?? 'http://127.0.0.1:3000';

async function token(roles) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles })
    .setProtectedHeader({ alg, kid, typ: 'JWT' }) // alg: ES256 or EdDSA; kid: a key registered for this agency
    .setIssuer(agencyId) // iss: the agency id
    .setSubject('case-worker-042') // sub: the user or system acting, an id (never a name)
    .setAudience(process.env.FILET_AUDIENCE ?? 'urn:filet:broker')
    .setIssuedAt(now)
    .setExpirationTime(now + 60) // at most 5 minutes after iat
    .setJti(randomUUID()) // single use: one token per request
    .sign(await importJWK(privateJwk, alg));
}

const response = await fetch(`${broker}/v1/agencies`, {
  headers: { authorization: `Bearer ${await token(['agency_user'])}`, 'accept-language': 'en' },
});
const body = await response.json();
if (!response.ok) {
  console.error(`${response.status} ${body.code}: ${body.title} (request ${body.requestId})`);
  process.exit(1);
}
console.log(`${response.status}: ${body.items.length} agencies in the directory`);
for (const agency of body.items)
  console.log(`  ${agency.code.padEnd(20)} ${agency.sector.padEnd(20)} ${agency.names.en}`);
