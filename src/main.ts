import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { AgenciesService } from './agencies/agencies.service.js';
import { createApp } from './app.factory.js';
import { printBanner } from './cli/banner.js';
import { openDatabaseServer, type DatabaseServer } from './common/db/database-runtime.js';
import { migrateDatabase } from './common/db/migrate.js';
import { createLogger } from './common/logging/logger.js';
import { loadConfig } from './config/app-config.js';
import { createDataSource } from './database.js';
import { readDemoKeys } from './demo/demo-keys.js';
import { seedDemoNetwork } from './demo/demo-seed.js';
import {
  startDemoIdentityProvider,
  type DemoIdentityProvider,
} from './demo/demo-identity-provider.js';
import { IdentityProviders } from './console/identity-providers.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  let server: DatabaseServer | undefined;
  let dataSource: DataSource | undefined;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let demoIdp: DemoIdentityProvider | undefined;
  let closing = false;

  // Ordered shutdown: stop taking requests, close the pool, then stop the embedded PostgreSQL.
  // (Libraries install their own exit handlers; ours replace them so the order holds.)
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ event: 'shutdown' }, `${signal}: arrêt / stopping`);
    setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app?.close();
      await demoIdp?.close();
      if (dataSource?.isInitialized) await dataSource.destroy();
      await server?.stop();
      console.log('Filet arrêté proprement. / Filet stopped cleanly.');
      process.exit(0);
    } catch {
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  try {
    server = await openDatabaseServer(config);
    // Migrations run as the login role (the schema owner); the broker then runs as `filet_app`.
    const applied = await migrateDatabase(server.url);
    logger.info(
      { event: 'migrations', migrations: applied, embedded: server.embedded },
      'migrations applied',
    );
    dataSource = createDataSource({
      url: server.url,
      poolSize: config.dbPoolSize,
      role: config.dbRole || undefined,
    });
    await dataSource.initialize();
    app = await createApp({ config, dataSource, logger });
    await app.init();
    const seed = config.demoSeed
      ? await seedDemoNetwork(app.get(AgenciesService), config.keysDir, {
          actor: { agencyId: null, subject: 'filet-demo-seed', roles: ['admin'] },
          requestId: `seed-${randomUUID()}`,
          receipts: [],
        })
      : { seeded: false, agencies: 0 };
    await app.listen({ port: config.port, host: config.host });
    // The demo's staff sign in to the console through a local OpenID provider, unless the
    // agencies' own providers are configured.
    if (config.demoSeed && !config.consoleIdentityProvidersFile) {
      const providers = app.get(IdentityProviders);
      demoIdp = await startDemoIdentityProvider({
        host: config.host,
        port: config.demoIdpPort,
        redirectUri: providers.redirectUri(),
      });
      providers.use(demoIdp.entries);
    }
    printBanner({
      demoIdentityProvider: demoIdp?.issuer,
      config,
      embedded: server.embedded,
      seeded: seed.seeded,
      demoKeys: config.demoSeed ? await readDemoKeys(config.keysDir) : [],
      readyMs: Math.round(performance.now()),
    });
  } catch (error) {
    console.error(
      `Filet n'a pas pu démarrer / Filet could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    await app?.close().catch(() => undefined);
    await demoIdp?.close().catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
