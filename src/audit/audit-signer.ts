import { CompactSign, compactVerify, importJWK, type CryptoKey, type KeyObject } from 'jose';
import { canonicalBytes } from './core/canonical-json.js';
import type { BrokerKeyRing, PublishedKey } from './broker-keys.js';
import type { ReceiptClaims } from './audit.types.js';

export const RECEIPT_TYPE = 'filet-audit-receipt+jws';
export const CHECKPOINT_TYPE = 'filet-checkpoint+jws';
export const NOTIFICATION_TYPE = 'filet-notification+jws';

/** What a checkpoint states: the size and root of the log at a time. Hashes in base64. */
export interface CheckpointClaims {
  readonly log: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly issuedAt: string;
}

/** Signs receipts and checkpoints with the broker's current Ed25519 key (compact JWS, RFC 8785 payload). */
export class AuditSigner {
  constructor(private readonly keys: BrokerKeyRing) {}

  get keyId(): string {
    return this.keys.current.kid;
  }

  get publishedKeys(): readonly PublishedKey[] {
    return this.keys.published;
  }

  signReceipt(claims: ReceiptClaims): Promise<string> {
    return this.sign(RECEIPT_TYPE, claims);
  }

  signCheckpoint(claims: CheckpointClaims): Promise<string> {
    return this.sign(CHECKPOINT_TYPE, claims);
  }

  /** A pushed notification: receivers verify it with the keys at /v1/audit/keys. */
  signNotification(claims: object): Promise<string> {
    return this.sign(NOTIFICATION_TYPE, claims);
  }

  private sign(typ: string, claims: object): Promise<string> {
    return new CompactSign(canonicalBytes(claims))
      .setProtectedHeader({ alg: 'EdDSA', kid: this.keys.current.kid, typ })
      .sign(this.keys.current.privateKey);
  }
}

/**
 * Checks a receipt or checkpoint JWS against trusted public keys; returns its claims, or undefined
 * when the signature, type or key does not hold. Used by the broker and the offline verifier alike.
 */
export async function verifySigned<T>(
  jws: string,
  typ: string,
  trusted: readonly PublishedKey[],
): Promise<{ claims: T; kid: string } | undefined> {
  try {
    const [encodedHeader] = jws.split('.');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as {
      kid?: string;
      typ?: string;
    };
    const key = trusted.find((k) => k.kid === header.kid);
    if (!key || header.typ !== typ) return undefined;
    const publicKey = (await importJWK(key.publicJwk, 'EdDSA')) as CryptoKey | KeyObject;
    const { payload } = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
    return { claims: JSON.parse(new TextDecoder().decode(payload)) as T, kid: key.kid };
  } catch {
    return undefined;
  }
}
