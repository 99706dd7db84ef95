import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { migrateDatabase } from '../../src/common/db/migrate.js';
import { APP_ROLE, createDataSource } from '../../src/database.js';
import { createAgency, registrationBody, type TestAgency } from '../factories/agency.factory.js';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const REQUESTS_PER_BROKER = 60;

/** Two real broker processes on one database append to one gapless log (DESIGN §7 scale-out). */
describe('two broker processes, one log', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let admin: TestAgency;
  const brokers: { process: Spawned; url: string }[] = [];
  const keyFile = join(tmpdir(), `filet-two-brokers-${process.pid}.json`);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateDatabase(database.url);
    dataSource = createDataSource({ url: database.url, poolSize: 2, role: APP_ROLE });
    await dataSource.initialize();
    admin = await createAgency(dataSource, { sector: 'coordination' });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const broker = spawnNode('dist/src/main.js', [], {
        DATABASE_URL: database.url,
        PORT: String(port),
        FILET_AUDIT_KEY_FILE: keyFile,
        FILET_DEMO_SEED: 'false',
        FILET_CHECKPOINT_EVERY_RECORDS: '25',
        LOG_LEVEL: 'warn',
      });
      brokers.push({ process: broker, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(brokers.map((b) => b.process.waitFor(/Filet is ready/)));
  });
  afterAll(async () => {
    for (const b of brokers) b.process.child.kill('SIGKILL');
    await dataSource?.destroy();
    await database?.drop();
    await rm(keyFile, { force: true });
  });

  it('concurrent changes and refusals through both processes get distinct, gapless sequence numbers', async () => {
    const calls = brokers.flatMap((broker) =>
      Array.from({ length: REQUESTS_PER_BROKER }, async (_, i) => {
        // Every third request is refused (bad token): refusals are recorded too.
        const token = i % 3 === 0 ? 'not-a-token' : await admin.token(['admin']);
        const res = await fetch(`${broker.url}/v1/agencies`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(registrationBody()),
        });
        return { status: res.status, receipt: res.headers.get('filet-audit-receipt') };
      }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status === 201)).toHaveLength(
      2 * (REQUESTS_PER_BROKER - REQUESTS_PER_BROKER / 3),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength((2 * REQUESTS_PER_BROKER) / 3);

    const seqs = results.map((r) => {
      expect(r.receipt).toEqual(expect.any(String));
      const claims = JSON.parse(
        Buffer.from((r.receipt as string).split('.')[1], 'base64url').toString(),
      ) as { seq: number };
      return claims.seq;
    });
    expect(new Set(seqs).size).toBe(seqs.length);

    const [{ count, min, max }] = await dataSource.query(
      'SELECT count(*)::int AS count, min(seq)::int AS min, max(seq)::int AS max FROM audit_record',
    );
    const [{ size }] = await dataSource.query('SELECT size::int AS size FROM audit_head');
    expect({ count, min, max, size }).toEqual({
      count: 2 * REQUESTS_PER_BROKER,
      min: 0,
      max: 2 * REQUESTS_PER_BROKER - 1,
      size: 2 * REQUESTS_PER_BROKER,
    });
  });

  it('the log both processes wrote verifies, with checkpoints issued by either', async () => {
    const res = await fetch(`${brokers[1].url}/v1/audit/verify`, {
      headers: { authorization: `Bearer ${await admin.token(['privacy_officer'])}` },
    });
    const report = (await res.json()) as {
      ok: boolean;
      checkpointsChecked: number;
      treeSize: number;
    };
    expect(res.status).toBe(200);
    expect(report.ok).toBe(true);
    expect(report.treeSize).toBeGreaterThanOrEqual(2 * REQUESTS_PER_BROKER);
    expect(report.checkpointsChecked).toBeGreaterThan(0);
  });
});
