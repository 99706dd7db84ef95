import 'reflect-metadata';
import { openDatabaseServer } from '../common/db/database-runtime.js';
import { migrateDatabase } from '../common/db/migrate.js';
import { schemaDrift } from '../common/db/schema-drift.js';
import { loadConfig } from '../config/app-config.js';
import { createDataSource } from '../database.js';

/**
 * `npm run db:migrate`: apply pending migrations. `npm run db:check`: fail when the entities and the
 * migrations disagree. Both on DATABASE_URL, or on the embedded PostgreSQL under var/.
 */
async function main(command: string | undefined): Promise<number> {
  if (command !== 'migrate' && command !== 'check') {
    console.error('Usage: db.js migrate|check');
    return 2;
  }
  const server = await openDatabaseServer(loadConfig());
  try {
    const applied = await migrateDatabase(server.url);
    if (command === 'migrate') {
      console.log(
        applied.length
          ? `Migrations appliquées / applied: ${applied.join(', ')}`
          : 'Aucune migration en attente / no pending migration',
      );
      return 0;
    }
    const owner = createDataSource({
      url: server.url,
      poolSize: 1,
      applicationName: 'filet-db-check',
    });
    await owner.initialize();
    const drift = await schemaDrift(owner).finally(() => owner.destroy());
    if (drift.length === 0) {
      console.log('Entités et migrations concordent. / Entities and migrations agree.');
      return 0;
    }
    console.error('Entités et migrations divergent / entities and migrations disagree:');
    for (const query of drift) console.error(`  ${query}`);
    return 1;
  } finally {
    await server.stop();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
