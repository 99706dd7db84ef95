import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { createDataSource } from '../../database.js';
import { withDatabase } from './database-url.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { ensureDatabase } from './migrate.js';

const EMBEDDED_DATABASE = 'filet';

export interface DatabaseServer {
  /** Connection URL of the broker's database, as the login role (the owner of the schema). */
  readonly url: string;
  /** True when this process started its own PostgreSQL under the var folder. */
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL, if this process started one. */
  stop(): Promise<void>;
}

/**
 * The external PostgreSQL at DATABASE_URL, or else an embedded one under `var/postgres` (never
 * started when DATABASE_URL is set).
 */
export async function openDatabaseServer(config: AppConfig): Promise<DatabaseServer> {
  if (config.databaseUrl)
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres({
    dir: join(config.varDir, 'postgres'),
    port: config.embeddedPgPort,
  });
  const maintenance = createDataSource({
    url: server.url,
    poolSize: 1,
    applicationName: 'filet-setup',
  });
  try {
    await maintenance.initialize();
    await ensureDatabase(maintenance, EMBEDDED_DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    if (maintenance.isInitialized) await maintenance.destroy();
  }
  return {
    url: withDatabase(server.url, EMBEDDED_DATABASE),
    embedded: true,
    stop: () => server.stop(),
  };
}
