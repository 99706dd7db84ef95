import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { KeyAlgorithm } from '../common/auth/key-algorithms.js';

/** A demo agency's signing key, as kept under `var/keys/<code>.json` (private: mode 0600). */
export interface DemoKeyFile {
  readonly agencyId: string;
  readonly code: string;
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  readonly privateJwk: JWK;
}

export async function writeDemoKey(keysDir: string, key: DemoKeyFile): Promise<void> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const file = join(keysDir, `${key.code}.json`);
  await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function readDemoKeys(keysDir: string): Promise<DemoKeyFile[]> {
  if (!existsSync(keysDir)) return [];
  const files = (await readdir(keysDir)).filter((f) => f.endsWith('.json')).sort();
  const parsed = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(keysDir, f), 'utf8')) as unknown),
  );
  // The folder also holds the broker's own audit keys: only agency key files are demo keys.
  return parsed.filter(
    (k): k is DemoKeyFile =>
      typeof k === 'object' &&
      k !== null &&
      typeof (k as DemoKeyFile).code === 'string' &&
      typeof (k as DemoKeyFile).agencyId === 'string',
  );
}

/** By agency code or id. */
export async function findDemoKey(
  keysDir: string,
  agency: string,
): Promise<DemoKeyFile | undefined> {
  const wanted = agency.toLowerCase();
  return (await readDemoKeys(keysDir)).find((k) => k.code === wanted || k.agencyId === wanted);
}
