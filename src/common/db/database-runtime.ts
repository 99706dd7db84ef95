import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { createDataSource } from '../../database.js';
import { withDatabase } from './database-url.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { ensureDatabase } from './migrate.js';

const EMBEDDED_DATABASE = 'filet';

export interface OpenDatabase {
  readonly dataSource: DataSource;
  /** True when this process started its own PostgreSQL under the var folder. */
  readonly embedded: boolean;
  /** Closes the pool, then stops the embedded PostgreSQL if there is one. */
  close(): Promise<void>;
}

/**
 * The external PostgreSQL at DATABASE_URL, or else an embedded one under `var/postgres` (never
 * started when DATABASE_URL is set).
 */
export async function openDatabase(
  config: AppConfig,
  applicationName = 'filet',
): Promise<OpenDatabase> {
  let server: RunningPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres({
      dir: join(config.varDir, 'postgres'),
      port: config.embeddedPgPort,
    });
    const maintenance = createDataSource({ url: server.url, poolSize: 1, applicationName });
    try {
      await maintenance.initialize();
      await ensureDatabase(maintenance, EMBEDDED_DATABASE);
    } catch (error) {
      await server.stop();
      throw error;
    } finally {
      if (maintenance.isInitialized) await maintenance.destroy();
    }
    url = withDatabase(server.url, EMBEDDED_DATABASE);
  }
  const dataSource = createDataSource({ url, poolSize: config.dbPoolSize, applicationName });
  try {
    await dataSource.initialize();
  } catch (error) {
    await server?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded: server !== undefined,
    async close() {
      try {
        if (dataSource.isInitialized) await dataSource.destroy();
      } finally {
        await server?.stop();
      }
    },
  };
}
