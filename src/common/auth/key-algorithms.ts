import type { JWK } from 'jose';

/** DESIGN §5: the algorithm allow-list. Nothing symmetric, nothing unsigned. */
export const KEY_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** The one algorithm a public JWK may verify, or undefined when it is not an allowed public key. */
export function algorithmForPublicJwk(jwk: JWK): KeyAlgorithm | undefined {
  if ('d' in jwk || 'k' in jwk || 'p' in jwk) return undefined; // private or symmetric material
  if (
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    typeof jwk.x === 'string' &&
    typeof jwk.y === 'string'
  ) {
    return 'ES256';
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') return 'EdDSA';
  return undefined;
}
