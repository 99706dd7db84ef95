import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { migrateDatabase } from '../../src/common/db/migrate.js';
import { APP_ROLE, createDataSource } from '../../src/database.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { seedCase } from '../factories/case.factory.js';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The outbox survives the broker (issue: workflows — "a broker killed between commit and delivery
 * delivers after restart"): an alert is committed, the broker is killed with SIGKILL while its
 * delivery is in flight and unanswered, and a broker started afterwards delivers it.
 */
describe('webhook delivery across a crash', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let police: TestAgency;
  let shelter: TestAgency;
  let receiver: Server;
  const requests: { deliveryId: string; answered: boolean }[] = [];
  const held: ServerResponse[] = [];
  let firstArrived: () => void;
  const firstArrival = new Promise<void>((resolve) => (firstArrived = resolve));
  const brokers: Spawned[] = [];
  const keyFile = join(tmpdir(), `filet-webhook-crash-${process.pid}.json`);

  const startBroker = async (): Promise<{ process: Spawned; url: string }> => {
    const port = await freePort();
    const broker = spawnNode('dist/src/main.js', [], {
      DATABASE_URL: database.url,
      PORT: String(port),
      FILET_AUDIT_KEY_FILE: keyFile,
      FILET_DEMO_SEED: 'false',
      FILET_WEBHOOK_ALLOW_PRIVATE: 'true',
      FILET_WEBHOOK_POLL_MS: '100',
      FILET_WEBHOOK_RETRY_BASE_MS: '100',
      FILET_WEBHOOK_LEASE_SECONDS: '2',
      FILET_WEBHOOK_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    });
    brokers.push(broker);
    await broker.waitFor(/Filet is ready/);
    return { process: broker, url: `http://127.0.0.1:${port}` };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateDatabase(database.url);
    dataSource = createDataSource({ url: database.url, poolSize: 2, role: APP_ROLE });
    await dataSource.initialize();
    police = await createAgency(dataSource, { sector: 'police' });
    shelter = await createAgency(dataSource, { sector: 'shelter' });
    // The first delivery is never answered (the broker dies waiting); later ones are accepted.
    receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        const first = requests.length === 0;
        requests.push({ deliveryId: String(req.headers['filet-delivery-id']), answered: !first });
        if (first) {
          held.push(res);
          firstArrived();
        } else res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const b of brokers) b.child.kill('SIGKILL');
    for (const res of held) res.destroy();
    await new Promise((r) => receiver.close(r));
    await dataSource?.destroy();
    await database?.drop();
    await rm(keyFile, { force: true });
  });

  it('an alert committed before a kill -9 is delivered by the next broker, once accepted', async () => {
    const seeded = await seedCase(dataSource, police.id);
    await dataSource.query('INSERT INTO case_assignment (case_id, agency_id) VALUES ($1, $2)', [
      seeded.caseId,
      shelter.id,
    ]);
    const first = await startBroker();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const hook = await fetch(`${first.url}/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await shelter.token(['agency_user'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ url }),
    });
    expect(hook.status).toBe(201);
    const reported = await fetch(`${first.url}/v1/cases/${seeded.caseId}/risk-changes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await police.token(['agency_user'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ kind: 'breach_of_conditions', occurredAt: new Date().toISOString() }),
    });
    expect(reported.status).toBe(201);

    await firstArrival;
    first.process.child.kill('SIGKILL');
    await first.process.exited();
    const [pending]: { status: string; attempts: number }[] = await dataSource.query(
      'SELECT status, attempts FROM webhook_delivery',
    );
    expect(pending).toEqual({ status: 'pending', attempts: 1 });

    await startBroker();
    const deadline = Date.now() + 20_000;
    let delivered: { status: string; attempts: number }[] = [];
    while (Date.now() < deadline) {
      delivered = await dataSource.query('SELECT status, attempts FROM webhook_delivery');
      if (delivered[0]?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toEqual([{ status: 'delivered', attempts: 2 }]);
    // The same delivery both times (the receiver can tell a repeat by its id); accepted once.
    expect(requests.map((r) => r.answered)).toEqual([false, true]);
    expect(new Set(requests.map((r) => r.deliveryId)).size).toBe(1);
  });
});
