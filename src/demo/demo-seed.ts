import { exportJWK, generateKeyPair } from 'jose';
import { AgenciesService } from '../agencies/agencies.service.js';
import type { AuditContext } from '../audit/audit.types.js';
import { DEMO_NETWORK } from './demo-network.js';
import { writeDemoKey } from './demo-keys.js';

export interface SeedResult {
  readonly seeded: boolean;
  readonly agencies: number;
}

/**
 * Seeds the fictional demo network on first run (an empty agency register). Each agency gets a
 * fresh key pair: the public half is registered, the private half kept under the keys folder for
 * `npm run token`. Goes through the same service as the admin API, with the same checks.
 */
export async function seedDemoNetwork(
  agencies: AgenciesService,
  keysDir: string,
  ctx: AuditContext,
): Promise<SeedResult> {
  if ((await agencies.listDirectory()).length > 0) return { seeded: false, agencies: 0 };
  for (const demo of DEMO_NETWORK) {
    const { privateKey, publicKey } = await generateKeyPair(demo.alg, {
      extractable: true,
      crv: demo.alg === 'EdDSA' ? 'Ed25519' : undefined,
    });
    const kid = `${demo.code}-1`;
    const created = await agencies.register(ctx, {
      code: demo.code,
      names: { ...demo.names },
      sector: demo.sector,
      jurisdiction: 'CA-QC',
      privacyRegime: demo.privacyRegime,
      allowedRoles: [...demo.allowedRoles],
      keys: [{ kid, jwk: { ...(await exportJWK(publicKey)) } }],
    });
    await writeDemoKey(keysDir, {
      agencyId: created.id,
      code: demo.code,
      kid,
      alg: demo.alg,
      privateJwk: await exportJWK(privateKey),
    });
  }
  return { seeded: true, agencies: DEMO_NETWORK.length };
}
