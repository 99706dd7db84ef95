// Makes a signing key pair for an agency system: the private half stays with the agency (here a file
// readable by its owner only), the public half is what an administrator registers with Filet.
//
//   node examples/new-agency-key.mjs <agency id> <kid> [ES256|EdDSA] > register.json
//
// Writes <kid>.private.json ({ agencyId, kid, alg, privateJwk }, the shape the other examples read)
// and prints the body of POST /v1/agencies/{id}/keys on stdout.
import { writeFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair } from 'jose';

const [agencyId, kid, alg = 'ES256'] = process.argv.slice(2);
if (!agencyId || !kid || !['ES256', 'EdDSA'].includes(alg)) {
  console.error(
    'usage: node examples/new-agency-key.mjs <agency id> <kid> [ES256|EdDSA] > register.json',
  );
  process.exit(2);
}
const { privateKey, publicKey } = await generateKeyPair(alg, {
  extractable: true,
  ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
});
const file = `${kid}.private.json`;
const privateJwk = await exportJWK(privateKey);
await writeFile(file, `${JSON.stringify({ agencyId, kid, alg, privateJwk }, null, 2)}\n`, {
  mode: 0o600,
  flag: 'wx',
});
console.error(`private key: ${file} (keep it in the agency's own vault; never send it)`);
console.log(JSON.stringify({ keys: [{ kid, jwk: await exportJWK(publicKey) }] }, null, 2));
