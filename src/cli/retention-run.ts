import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { openDatabaseServer } from '../common/db/database-runtime.js';
import { createLogger } from '../common/logging/logger.js';
import { LOGGER } from '../common/logging/logger.provider.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.provider.js';
import { createDataSource } from '../database.js';
import { PolicyModule } from '../policy/policy.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { RetentionService, type RetentionCounts } from '../retention/retention.service.js';

/** What the retention feature needs of the broker, and nothing else (no HTTP, no webhook worker). */
@Global()
@Module({})
class CliCoreModule {
  static forRoot(config: AppConfig, dataSource: DataSource, logger: Logger): DynamicModule {
    return {
      module: CliCoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DataSource, useValue: dataSource },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [APP_CONFIG, DataSource, LOGGER],
    };
  }
}

const LINES: readonly [keyof RetentionCounts, string][] = [
  ['purgedItems', 'Renseignements purgés / items purged'],
  ['endedConsents', 'Consentements échus terminés / expired consents ended'],
  ['endedAgreements', 'Ententes échues terminées / expired agreements ended'],
  ['purgedRiskChanges', 'Changements de risque épurés / risk changes cleared'],
  ['purgedNotifications', 'Alertes épurées / alerts cleared'],
];

/**
 * `npm run retention:run`: one retention run now, as the broker's schedule would run it (the same
 * database and role, the same audit keys), then the counts. Safe while brokers run: runs share
 * the work and never do anything twice. On DATABASE_URL, or on the embedded PostgreSQL under var/.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const server = await openDatabaseServer(config);
  const dataSource = createDataSource({
    url: server.url,
    poolSize: 2,
    applicationName: 'filet-retention',
    role: config.dbRole || undefined,
  });
  try {
    await dataSource.initialize();
    const app = await NestFactory.createApplicationContext(
      {
        module: class RetentionCliModule {},
        imports: [CliCoreModule.forRoot(config, dataSource, logger), PolicyModule, RetentionModule],
      },
      { logger: false, abortOnError: false },
    );
    try {
      const requestId = `retention-cli-${randomUUID()}`;
      const counts = await app.get(RetentionService).run(new Date(), { requestId });
      console.log(`Rétention terminée / retention run done (${requestId})`);
      for (const [key, label] of LINES) console.log(`  ${label}: ${counts[key]}`);
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server.stop();
  }
}

/** Why it failed, for the operator: a failed query by its SQLSTATE only (its message may quote values). */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code ? `${error.name} (SQLSTATE ${String(code)})` : error.message;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`La rétention a échoué / retention failed: ${reason(error)}`);
    process.exit(1);
  },
);
