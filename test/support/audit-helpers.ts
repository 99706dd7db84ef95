import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { verifySigned, RECEIPT_TYPE } from '../../src/audit/audit-signer.js';
import type { PublishedKey } from '../../src/audit/broker-keys.js';
import type { ReceiptClaims } from '../../src/audit/audit.types.js';
import { withDatabase } from '../../src/common/db/database-url.js';
import { ENV_ADMIN_URL, requiredEnv } from './test-env.js';
import type { TestApp } from './test-app.js';

/** A superuser connection to a test app's database: the "database administrator" of the drills. */
export async function superuser(app: TestApp): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: withDatabase(requiredEnv(ENV_ADMIN_URL), app.database.name),
  });
  await client.connect();
  return client;
}

export async function publishedKeys(app: TestApp, token: string): Promise<PublishedKey[]> {
  const res = await app.request<{ keys: PublishedKey[] }>('GET', '/v1/audit/keys', { token });
  expect(res.status).toBe(200);
  return res.body.keys;
}

/** The response's receipt, checked against the broker's published keys. */
export async function receiptOf(
  res: { headers: Headers },
  keys: readonly PublishedKey[],
): Promise<{ jws: string; claims: ReceiptClaims }> {
  const jws = res.headers.get('filet-audit-receipt');
  expect(jws).toEqual(expect.any(String));
  const verified = await verifySigned<ReceiptClaims>(jws as string, RECEIPT_TYPE, keys);
  expect(verified).toBeDefined();
  return { jws: jws as string, claims: (verified as { claims: ReceiptClaims }).claims };
}

export async function auditSize(app: TestApp): Promise<number> {
  const [head]: { size: string }[] = await app.dataSource.query(
    'SELECT size FROM audit_head WHERE id = 1',
  );
  return Number(head.size);
}

const run = promisify(execFile);

/** Runs the compiled offline verifier (`npm run audit:verify`) on an export; returns its exit code and output. */
export async function offlineVerify(
  exportText: string,
  dir: string,
  options: {
    trust?: readonly PublishedKey[];
    receipts?: readonly string[];
    checkpoints?: readonly string[];
  } = {},
): Promise<{ code: number; output: string }> {
  const file = `${dir}/export.ndjson`;
  await writeFile(file, exportText);
  const args = ['dist/src/cli/audit-verify.js', file];
  if (options.trust) {
    await writeFile(`${dir}/trust.json`, JSON.stringify({ keys: options.trust }));
    args.push('--trust', `${dir}/trust.json`);
  } else {
    args.push('--insecure-trust-export');
  }
  for (const receipt of options.receipts ?? []) args.push('--receipt', receipt);
  for (const checkpoint of options.checkpoints ?? []) args.push('--checkpoint', checkpoint);
  try {
    const { stdout, stderr } = await run(process.execPath, args, { encoding: 'utf8' });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}
