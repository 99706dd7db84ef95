import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportLines, withLogSnapshot } from '../audit/audit-export.js';
import { loadBrokerKeys } from '../audit/broker-keys.js';
import { openDatabaseServer } from '../common/db/database-runtime.js';
import { loadConfig } from '../config/app-config.js';
import { createDataSource } from '../database.js';

/**
 * `npm run audit:export -- <file>`: the whole log (records, checkpoints, the broker's public keys)
 * as NDJSON, straight from the database, for `npm run audit:verify`.
 */
async function main(file: string | undefined): Promise<number> {
  if (!file) {
    console.error('Usage: npm run audit:export -- <file.ndjson>');
    return 2;
  }
  const config = loadConfig();
  const keys = await loadBrokerKeys(config.auditKeyFile);
  const server = await openDatabaseServer(config);
  const dataSource = createDataSource({
    url: server.url,
    poolSize: 1,
    applicationName: 'filet-audit-export',
  });
  try {
    await dataSource.initialize();
    const treeSize = await withLogSnapshot(dataSource, async (snapshot) => {
      await pipeline(
        Readable.from(exportLines(snapshot, keys.published, config.audience)),
        createWriteStream(file),
      );
      return snapshot.treeSize;
    });
    console.log(`${treeSize} enregistrements exportés / records exported → ${file}`);
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
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
