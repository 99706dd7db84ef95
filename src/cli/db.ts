import 'reflect-metadata';
import { openDatabase } from '../common/db/database-runtime.js';
import { migrate } from '../common/db/migrate.js';
import { schemaDrift } from '../common/db/schema-drift.js';
import { loadConfig } from '../config/app-config.js';

/**
 * `npm run db:migrate`: apply pending migrations. `npm run db:check`: fail when the entities and the
 * migrations disagree. Both on DATABASE_URL, or on the embedded PostgreSQL under var/.
 */
async function main(command: string | undefined): Promise<number> {
  if (command !== 'migrate' && command !== 'check') {
    console.error('Usage: db.js migrate|check');
    return 2;
  }
  const database = await openDatabase(loadConfig(), `filet-db-${command}`);
  try {
    const applied = await migrate(database.dataSource);
    if (command === 'migrate') {
      console.log(
        applied.length
          ? `Migrations appliquées / applied: ${applied.join(', ')}`
          : 'Aucune migration en attente / no pending migration',
      );
      return 0;
    }
    const drift = await schemaDrift(database.dataSource);
    if (drift.length === 0) {
      console.log('Entités et migrations concordent. / Entities and migrations agree.');
      return 0;
    }
    console.error('Entités et migrations divergent / entities and migrations disagree:');
    for (const query of drift) console.error(`  ${query}`);
    return 1;
  } finally {
    await database.close();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
