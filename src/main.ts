import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { AgenciesService } from './agencies/agencies.service.js';
import { createApp } from './app.factory.js';
import { openDatabase, type OpenDatabase } from './common/db/database-runtime.js';
import { migrate } from './common/db/migrate.js';
import { createLogger } from './common/logging/logger.js';
import { loadConfig } from './config/app-config.js';
import { readDemoKeys } from './demo/demo-keys.js';
import { seedDemoNetwork } from './demo/demo-seed.js';
import { printBanner } from './cli/banner.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  let database: OpenDatabase | undefined;
  let closing = false;

  // Ordered shutdown: stop taking requests, close the pool, then stop the embedded PostgreSQL.
  // (Libraries install their own exit handlers; ours replace them so the order holds.)
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ event: 'shutdown' }, `${signal}: arrêt / stopping`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app?.close();
      await database?.close();
      console.log('Filet arrêté proprement. / Filet stopped cleanly.');
      process.exit(0);
    } catch {
      process.exit(1);
    }
  };
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  try {
    database = await openDatabase(config);
    const applied = await migrate(database.dataSource);
    logger.info(
      { event: 'migrations', migrations: applied, embedded: database.embedded },
      'migrations applied',
    );
    app = await createApp({ config, dataSource: database.dataSource, logger });
    await app.init();
    const seed = config.demoSeed
      ? await seedDemoNetwork(app.get(AgenciesService), config.keysDir)
      : { seeded: false, agencies: 0 };
    await app.listen({ port: config.port, host: config.host });
    printBanner({
      config,
      embedded: database.embedded,
      seeded: seed.seeded,
      demoKeys: config.demoSeed ? await readDemoKeys(config.keysDir) : [],
      readyMs: Math.round(performance.now()),
    });
  } catch (error) {
    console.error(
      `Filet n'a pas pu démarrer / Filet could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    await app?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
