import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type KeyObject,
} from 'jose';

/** A broker audit key as published at /v1/audit/keys: public half, with its period of use. */
export interface PublishedKey {
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly publicJwk: JWK;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

interface StoredKey extends PublishedKey {
  /** Only the current key keeps its private half; a retired key can verify, never sign again. */
  readonly privateJwk?: JWK;
}

interface KeyFile {
  readonly keys: readonly StoredKey[];
}

export interface BrokerKeyRing {
  readonly current: { readonly kid: string; readonly privateKey: CryptoKey | KeyObject };
  /** Every key ever used, current last: checkpoints and receipts signed by any of them verify. */
  readonly published: readonly PublishedKey[];
}

async function newKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', {
    crv: 'Ed25519',
    extractable: true,
  });
  const createdAt = new Date().toISOString();
  return {
    kid: `filet-audit-${createdAt.slice(0, 10)}-${randomBytes(4).toString('hex')}`,
    alg: 'EdDSA',
    publicJwk: await exportJWK(publicKey),
    privateJwk: await exportJWK(privateKey),
    createdAt,
    retiredAt: null,
  };
}

async function writeKeyFile(file: string, content: KeyFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file); // atomic: a crash never leaves half a key file
}

async function ring(content: KeyFile): Promise<BrokerKeyRing> {
  const current = content.keys.at(-1);
  if (!current?.privateJwk || current.retiredAt)
    throw new Error('audit key file has no current private key');
  return {
    current: {
      kid: current.kid,
      privateKey: (await importJWK(current.privateJwk, 'EdDSA')) as CryptoKey,
    },
    published: content.keys.map(({ kid, alg, publicJwk, createdAt, retiredAt }) => ({
      kid,
      alg,
      publicJwk,
      createdAt,
      retiredAt,
    })),
  };
}

/** Reads the broker's audit keys, creating the first one on first start. */
export async function loadBrokerKeys(file: string): Promise<BrokerKeyRing> {
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ keys: [await newKey()] }, null, 2)}\n`, {
      mode: 0o600,
    });
    try {
      await link(temporary, file); // create-if-absent, atomically: two instances starting together agree
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temporary);
    }
  }
  return ring(JSON.parse(await readFile(file, 'utf8')) as KeyFile);
}

/** Retires the current key (its public half stays published) and makes a new current one. */
export async function rotateBrokerKey(file: string): Promise<BrokerKeyRing> {
  const content = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  const retiredAt = new Date().toISOString();
  const keys: StoredKey[] = content.keys.map(({ privateJwk: _dropped, ...key }) => ({
    ...key,
    retiredAt: key.retiredAt ?? retiredAt,
  }));
  const next: KeyFile = { keys: [...keys, await newKey()] };
  await writeKeyFile(file, next);
  return ring(next);
}
