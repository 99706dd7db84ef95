// A real PostgreSQL for the benchmarks: the server at DATABASE_URL, else an embedded one.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from '../src/common/db/database-url.js';
import { startEmbeddedPostgres } from '../src/common/db/embedded-postgres.js';
import { migrateDatabase } from '../src/common/db/migrate.js';
import type { BenchOptions } from './benchmark.js';

type Progress = BenchOptions['progress'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One statement on its own connection, without the pool's statement timeout (VACUUM, CREATE DATABASE). */
export async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The server at DATABASE_URL, else an embedded one in a temporary folder; yields its admin URL. */
export async function withServer<T>(
  progress: Progress,
  use: (adminUrl: string) => Promise<T>,
): Promise<T> {
  if (process.env.DATABASE_URL) return use(process.env.DATABASE_URL);
  return withTempDir('filet-bench-pg-', async (dir) => {
    // PostgreSQL runs as its own user when we are root: it must reach its data folder.
    await chmod(dir, 0o755);
    progress('  PostgreSQL intégré / embedded PostgreSQL…');
    const server = await startEmbeddedPostgres({ dir, port: await freePort(), ephemeral: true });
    try {
      return await use(server.url);
    } finally {
      await server.stop();
    }
  });
}

/** A fresh migrated database on the server, dropped afterwards; yields its URL (login role). */
export async function withScratchDatabase<T>(
  adminUrl: string,
  use: (url: string) => Promise<T>,
): Promise<T> {
  const name = `filet_bench_${randomBytes(4).toString('hex')}`;
  await sql(adminUrl, `CREATE DATABASE "${name}"`);
  try {
    const url = withDatabase(adminUrl, name);
    await migrateDatabase(url);
    return await use(url);
  } finally {
    await sql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
