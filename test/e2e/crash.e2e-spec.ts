import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { RECEIPT_TYPE, verifySigned } from '../../src/audit/audit-signer.js';
import type { ReceiptClaims } from '../../src/audit/audit.types.js';
import type { PublishedKey } from '../../src/audit/broker-keys.js';
import { withDatabase } from '../../src/common/db/database-url.js';
import {
  startEmbeddedPostgres,
  type RunningPostgres,
} from '../../src/common/db/embedded-postgres.js';
import { migrateDatabase } from '../../src/common/db/migrate.js';
import { APP_ROLE, createDataSource } from '../../src/database.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import { daysFromToday, highRiskCase } from '../factories/case.factory.js';
import { offlineVerify } from '../support/audit-helpers.js';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';
import type { HttpResult, RequestOptions, TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Crash safety (DESIGN §4 "same transaction, fail closed", §7 reliability), against real broker
 * processes under a running load of releasing disclosures: kill -9 of the only broker, then a
 * restart; kill -9 of one of two brokers sharing the database while the other keeps serving; and
 * PostgreSQL stopped under the broker and started again. After each, every disclosure the load
 * client was given has its decision and audit records (matching its receipt), every decision has
 * its records and every record its decision, nothing is left pending, the sequence is gapless and
 * the log verifies, online and offline.
 */

// What the shelter holds and the police receive: must appear in released bodies and nowhere else.
const ADDRESS = '12 rue des Lilas';
const CONCURRENCY = 10;
const REQUEST_TIMEOUT_MS = 15_000;
const SCENARIO_TIMEOUT_MS = 90_000;

interface Broker {
  readonly process: Spawned;
  readonly url: string;
}

async function startBroker(databaseUrl: string, keyFile: string): Promise<Broker> {
  const port = await freePort();
  const broker = spawnNode('dist/src/main.js', [], {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    FILET_AUDIT_KEY_FILE: keyFile,
    FILET_DEMO_SEED: 'false',
    FILET_CHECKPOINT_EVERY_RECORDS: '200',
    LOG_LEVEL: 'warn',
  });
  await broker.waitFor(/Filet is ready/, 30_000);
  return { process: broker, url: `http://127.0.0.1:${port}` };
}

async function kill9(broker: Broker): Promise<void> {
  broker.process.child.kill('SIGKILL');
  await broker.process.exited();
}

/** Over real HTTP to a broker process; what the case factories need of a test app. */
function httpClient(baseUrl: string): Pick<TestApp, 'request'> {
  return {
    async request<T>(
      method: string,
      path: string,
      options: RequestOptions = {},
    ): Promise<HttpResult<T>> {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed as T, text };
    },
  };
}

async function expectCreated(res: Promise<HttpResult>, what: string): Promise<HttpResult> {
  const done = await res;
  if (done.status !== 201) throw new Error(`${what}: ${done.status} ${done.text}`);
  return done;
}

/** A query as the database's login role, on a connection of its own (the database may go away). */
async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

interface Network {
  readonly table: TestAgency;
  readonly police: TestAgency;
  readonly shelter: TestAgency;
  /** The body of a disclosure that releases the victim's address to the police. */
  readonly disclosure: Record<string, unknown>;
}

/**
 * Agencies inserted in the database; then through the API, as they would: a high-risk case the
 * police referred, the victim's consent and an agreement for the shelter to tell the police where
 * she lives, and the shelter's item. The police's consent-based request for it is released.
 */
async function releasingNetwork(databaseUrl: string, brokerUrl: string): Promise<Network> {
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 1, role: APP_ROLE });
  await dataSource.initialize();
  let agencies: TestAgency[];
  try {
    agencies = [
      await createAgency(dataSource, { sector: 'coordination' }),
      await createAgency(dataSource, { sector: 'police' }),
      await createAgency(dataSource, { sector: 'shelter' }),
    ];
  } finally {
    await dataSource.destroy();
  }
  const [table, police, shelter] = agencies;
  const client = httpClient(brokerUrl);
  // The factories use nothing of a test app but its requests.
  const { caseId, victimId } = await highRiskCase(client as TestApp, {
    referrer: police,
    coordinator: table,
    assigned: [police, shelter],
  });
  const agreement = await expectCreated(
    client.request('POST', '/v1/agreements', {
      token: await table.token(['coordinator']),
      body: agreementBody([shelter.id, police.id], {
        purposes: ['safety_planning'],
        flows: [{ fromAgencyId: shelter.id, toAgencyId: police.id, categories: ['location'] }],
      }),
    }),
    'agreement',
  );
  for (const party of [shelter, police]) {
    await expectCreated(
      client.request('POST', `/v1/agreements/${String(agreement.body.id)}/signatures`, {
        token: await party.token(['legal_reviewer']),
        body: { version: 1 },
      }),
      'signature',
    );
  }
  await expectCreated(
    client.request('POST', `/v1/cases/${caseId}/consents`, {
      token: await shelter.token(['agency_user']),
      body: {
        personId: victimId,
        recipientAgencyIds: [police.id],
        categories: ['location'],
        purposes: ['safety_planning'],
        howObtained: 'in_person',
        capacityNote: 'capable_presumed',
      },
    }),
    'consent',
  );
  await expectCreated(
    client.request('POST', `/v1/cases/${caseId}/information`, {
      token: await shelter.token(['agency_user']),
      body: {
        personId: victimId,
        category: 'location',
        fields: { address: ADDRESS, municipality: 'Val-Saint-Loup' },
        retainUntil: daysFromToday(365),
      },
    }),
    'item',
  );
  const disclosure = {
    caseId,
    personId: victimId,
    categories: ['location'],
    purpose: 'safety_planning',
    basis: 'consent',
  };
  const probe = await client.request<{ outcome: string }>('POST', '/v1/disclosures', {
    token: await police.token(['agency_user']),
    body: disclosure,
  });
  expect({ status: probe.status, outcome: probe.body.outcome }).toEqual({
    status: 200,
    outcome: 'permit',
  });
  expect(probe.text).toContain(ADDRESS);
  return { table, police, shelter, disclosure };
}

/** One disclosure request of the load, as its client saw it. */
interface Outcome {
  /** Index of the broker it went to. */
  readonly target: number;
  /** The test's phase when the request was sent and when its answer (or failure) came. */
  readonly sentIn: string;
  readonly settledIn: string;
  /** How many outcomes had come back when it was sent. */
  readonly sentAfter: number;
  /** Absent when no HTTP answer came (connection cut or refused). */
  readonly status?: number;
  readonly contentType?: string | null;
  readonly retryAfter?: string | null;
  readonly requestId?: string | null;
  readonly receiptHeader?: string | null;
  readonly text?: string;
  readonly error?: string;
}

const released = (o: Outcome): boolean => o.status !== undefined && o.status < 300;

/**
 * Plain fetch clients, `perTarget` per broker, each sending releasing disclosures one after the
 * other (with a fresh single-use token each) until stopped. After a refusal a client waits a little
 * before trying again, as a client would, so an outage does not become a busy loop.
 */
class LoadClient {
  readonly outcomes: Outcome[] = [];
  phase = 'before';
  private readonly running: boolean[];
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly targets: readonly string[],
    private readonly network: Network,
    perTarget: number,
  ) {
    this.running = targets.map(() => true);
    targets.forEach((_, target) => {
      for (let i = 0; i < perTarget; i++) this.workers.push(this.worker(target));
    });
  }

  /** Sends no more to this broker (requests already sent go on). */
  halt(target: number): void {
    this.running[target] = false;
  }

  async stop(): Promise<Outcome[]> {
    this.running.fill(false);
    await Promise.all(this.workers);
    return this.outcomes;
  }

  count(predicate: (o: Outcome) => boolean): number {
    return this.outcomes.filter(predicate).length;
  }

  /** Waits until `predicate` holds of the outcomes so far; fails after `timeoutMs`, saying what. */
  async until(what: string, predicate: (o: Outcome[]) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.outcomes)) {
      if (Date.now() > deadline)
        throw new Error(`load: ${what} not reached within ${timeoutMs} ms; ${this.summary()}`);
      await sleep(20);
    }
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const o of this.outcomes) {
      const key = `${o.target}:${o.sentIn}:${o.status ?? o.error}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return `outcomes (target:phase:status → count): ${JSON.stringify(Object.fromEntries(counts))}`;
  }

  private async worker(target: number): Promise<void> {
    while (this.running[target]) {
      const token = await this.network.police.token(['agency_user']);
      const sentIn = this.phase;
      const sentAfter = this.outcomes.length;
      let outcome: Outcome;
      try {
        const res = await fetch(`${this.targets[target]}/v1/disclosures`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(this.network.disclosure),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        outcome = {
          target,
          sentIn,
          settledIn: this.phase,
          sentAfter,
          status: res.status,
          contentType: res.headers.get('content-type'),
          retryAfter: res.headers.get('retry-after'),
          requestId: res.headers.get('x-request-id'),
          receiptHeader: res.headers.get('filet-audit-receipt'),
          text: await res.text(),
        };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        outcome = {
          target,
          sentIn,
          settledIn: this.phase,
          sentAfter,
          error: cause?.code ?? (error as Error).name,
        };
      }
      this.outcomes.push(outcome);
      if (!released(outcome)) await sleep(50);
    }
  }
}

interface LeafRow {
  seq: number;
  action: string;
  decision_id: string | null;
  leaf_hash: string;
}

/**
 * What must hold after any of these incidents, read straight from PostgreSQL (and the broker for
 * the receipts and verification):
 * - every 2xx the load client got is a permit with the address, whose decision is stored and whose
 *   signed receipts name its `disclosure.decide` and `disclosure.release` records, as stored;
 * - every decision has exactly one of each record and every such record has its decision: none
 *   without the other, whichever requests the incident cut;
 * - no more decisions than 2xx answers plus requests that got none (or a 503, the commit having
 *   possibly happened before the database went away): nothing refused was released;
 * - nothing pending, and the sequence numbers are 0…size−1 with the head at size.
 */
async function expectConsistentLog(
  databaseUrl: string,
  brokerUrl: string,
  network: Network,
  outcomes: readonly Outcome[],
  maybeCommitted: number,
): Promise<{ receipts: string[] }> {
  await drainPending(databaseUrl);
  const keys = await brokerKeys(brokerUrl, network);
  const decisions = (
    await query<{ id: string }>(databaseUrl, 'SELECT id::text FROM decision WHERE NOT dry_run')
  ).map((d) => d.id);
  const rows = await query<LeafRow>(
    databaseUrl,
    `SELECT seq::int AS seq, action, leaf::jsonb -> 'targets' ->> 'decisionId' AS decision_id,
            encode(leaf_hash, 'base64') AS leaf_hash
       FROM audit_record WHERE action IN ('disclosure.decide', 'disclosure.release')`,
  );
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const unmatched = (action: string) => {
    const ids = rows.filter((r) => r.action === action).map((r) => r.decision_id);
    return {
      decisionsWithoutExactlyOneRecord: decisions.filter(
        (id) => ids.filter((d) => d === id).length !== 1,
      ),
      recordsWithoutDecision: ids.filter((id) => id === null || !decisions.includes(id)),
    };
  };
  // One decide record and one release record (one holder) per decision, and nothing else.
  const none = { decisionsWithoutExactlyOneRecord: [], recordsWithoutDecision: [] };
  expect({
    decide: unmatched('disclosure.decide'),
    release: unmatched('disclosure.release'),
  }).toEqual({ decide: none, release: none });

  // Decisions of the load: all but the network's probe.
  const ofLoad = decisions.length - 1;
  const answered = outcomes.filter(released);
  expect(ofLoad).toBeGreaterThanOrEqual(answered.length);
  expect(ofLoad - answered.length).toBeLessThanOrEqual(maybeCommitted);

  // Each 2xx, checked as its recipient could: what is wrong with it, if anything.
  const known = new Set(decisions);
  const receipts: string[] = [];
  const wrong: { decisionId: string; problem: string }[] = [];
  for (const o of answered) {
    const body = JSON.parse(o.text!) as { decisionId: string; outcome: string; receipt: string };
    const fail = (problem: string): void => {
      wrong.push({ decisionId: body.decisionId, problem });
    };
    if (o.status !== 200 || body.outcome !== 'permit' || !o.text!.includes(ADDRESS))
      fail(`answered ${o.status} ${body.outcome} without the released address`);
    if (!known.has(body.decisionId)) fail('no decision row');
    const signed = (o.receiptHeader ?? '').split(', ').filter(Boolean);
    if (signed[0] !== body.receipt) fail('the body receipt is not the first header receipt');
    const actions: string[] = [];
    for (const jws of signed) {
      const claims = (await verifySigned<ReceiptClaims>(jws, RECEIPT_TYPE, keys))?.claims;
      if (!claims) {
        fail('a receipt does not verify');
        continue;
      }
      const row = bySeq.get(claims.seq);
      if (!row) fail(`its receipt names seq ${claims.seq}, which is not its record`);
      else if (row.decision_id !== body.decisionId || row.leaf_hash !== claims.leafHash)
        fail(`its receipt for seq ${claims.seq} does not match the stored record`);
      else actions.push(row.action);
    }
    if (actions.join() !== 'disclosure.decide,disclosure.release')
      fail(`its receipts name ${actions.join() || 'no'} records`);
    receipts.push(...signed);
  }
  expect(wrong).toEqual([]);

  const [head] = await query<{ size: number; count: number; min: number; max: number }>(
    databaseUrl,
    `SELECT (SELECT size::int FROM audit_head WHERE id = 1) AS size,
            count(*)::int AS count, min(seq)::int AS min, max(seq)::int AS max
       FROM audit_record`,
  );
  expect(head).toEqual({ size: head.count, count: head.count, min: 0, max: head.count - 1 });
  return { receipts };
}

/** Records committed with their action but not yet sequenced (the crash's leftovers) drain. */
async function drainPending(databaseUrl: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ pending }] = await query<{ pending: number }>(
      databaseUrl,
      'SELECT count(*)::int AS pending FROM audit_pending',
    );
    if (pending === 0) return;
    if (Date.now() > deadline)
      throw new Error(`audit_pending still holds ${pending} entries after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function brokerKeys(brokerUrl: string, network: Network): Promise<PublishedKey[]> {
  const res = await httpClient(brokerUrl).request<{ keys: PublishedKey[] }>(
    'GET',
    '/v1/audit/keys',
    { token: await network.police.token() },
  );
  expect(res.status).toBe(200);
  return res.body.keys;
}

/** GET /v1/audit/verify, then a fresh checkpoint and the offline verifier over the export. */
async function expectLogVerifies(
  brokerUrl: string,
  network: Network,
  receipts: readonly string[],
): Promise<void> {
  const client = httpClient(brokerUrl);
  const officer = (): Promise<string> => network.table.token(['privacy_officer']);
  const report = await client.request<{ ok: boolean; treeSize: number; firstProblem?: unknown }>(
    'GET',
    '/v1/audit/verify',
    { token: await officer() },
  );
  expect(report.status).toBe(200);
  expect(report.body).toEqual(expect.objectContaining({ ok: true }));
  expect(report.body.firstProblem).toBeUndefined();

  const checkpoint = await client.request('POST', '/v1/audit/checkpoints', {
    token: await officer(),
  });
  expect(checkpoint.status).toBe(200);
  const exported = await client.request('GET', '/v1/audit/export', { token: await officer() });
  expect(exported.status).toBe(200);
  const dir = await mkdtemp(join(tmpdir(), 'filet-crash-verify-'));
  try {
    const keys = await brokerKeys(brokerUrl, network);
    const offline = await offlineVerify(exported.text, dir, { trust: keys, receipts });
    expect({ code: offline.code, output: offline.output }).toEqual({
      code: 0,
      output: expect.stringMatching(/^OK/m),
    });
    expect(offline.output).toContain(`${receipts.length} receipts verified`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A refusal during an outage: a 503 problem, nothing in it that was to be released. */
function expectUnavailable(o: Outcome): void {
  const body = JSON.parse(o.text ?? 'null') as Record<string, unknown> | null;
  expect({
    status: o.status,
    contentType: o.contentType,
    retryAfter: o.retryAfter,
    problem: body,
  }).toEqual({
    status: 503,
    contentType: expect.stringMatching(/^application\/problem\+json/),
    retryAfter: expect.any(String),
    problem: expect.objectContaining({
      type: expect.stringMatching(
        /^urn:filet:problem:(service\.unavailable|audit\.unavailable|audit\.unsequenced)$/,
      ),
      title: expect.stringMatching(/\S/),
      status: 503,
      code: expect.stringMatching(/^(service\.unavailable|audit\.unavailable|audit\.unsequenced)$/),
      requestId: o.requestId,
    }),
  });
  expect(o.text).not.toContain(ADDRESS);
}

describe('kill -9 of the broker under load', () => {
  let database: TestDatabase;
  let network: Network;
  const brokers: Broker[] = [];
  const keyFile = join(tmpdir(), `filet-crash-one-${process.pid}.json`);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateDatabase(database.url);
    brokers.push(await startBroker(database.url, keyFile));
    network = await releasingNetwork(database.url, brokers[0].url);
  }, SCENARIO_TIMEOUT_MS);
  afterAll(async () => {
    for (const b of brokers) b.process.child.kill('SIGKILL');
    await Promise.all(brokers.map((b) => b.process.exited()));
    await database?.drop();
    await rm(keyFile, { force: true });
  });

  it(
    'a restarted broker recovers what the killed one committed: every 2xx has its records, every decision its records and vice versa, and the log verifies',
    async () => {
      const load = new LoadClient([brokers[0].url], network, CONCURRENCY);
      await load.until('100 disclosures released', (all) => all.filter(released).length >= 100);
      // Stop sending and kill at once: the requests in flight are cut.
      load.halt(0);
      await kill9(brokers[0]);
      const outcomes = await load.stop();
      const cut = outcomes.filter((o) => o.status === undefined);
      // Every answer the broker gave before dying released; the kill cut requests in flight.
      expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
      expect(cut.length).toBeGreaterThan(0);

      brokers.push(await startBroker(database.url, keyFile));
      const { receipts } = await expectConsistentLog(
        database.url,
        brokers[1].url,
        network,
        outcomes,
        cut.length,
      );
      await expectLogVerifies(brokers[1].url, network, receipts);

      // And it serves again.
      const again = await httpClient(brokers[1].url).request('POST', '/v1/disclosures', {
        token: await network.police.token(['agency_user']),
        body: network.disclosure,
      });
      expect(again.status).toBe(200);
      expect(again.text).toContain(ADDRESS);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('two brokers on one database, one killed under load', () => {
  let database: TestDatabase;
  let network: Network;
  let brokers: Broker[] = [];
  const keyFile = join(tmpdir(), `filet-crash-two-${process.pid}.json`);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateDatabase(database.url);
    brokers = await Promise.all([0, 1].map(() => startBroker(database.url, keyFile)));
    network = await releasingNetwork(database.url, brokers[0].url);
  }, SCENARIO_TIMEOUT_MS);
  afterAll(async () => {
    for (const b of brokers) b.process.child.kill('SIGKILL');
    await Promise.all(brokers.map((b) => b.process.exited()));
    await database?.drop();
    await rm(keyFile, { force: true });
  });

  it(
    'the survivor keeps releasing, takes over what the killed one committed, and the one log stays gapless and verifies',
    async () => {
      const [killed, survivor] = [0, 1];
      const load = new LoadClient(
        brokers.map((b) => b.url),
        network,
        CONCURRENCY / 2,
      );
      await load.until('50 disclosures released by each broker', (all) =>
        [killed, survivor].every(
          (t) => all.filter((o) => o.target === t && released(o)).length >= 50,
        ),
      );
      load.halt(killed);
      await kill9(brokers[killed]);
      load.phase = 'after-kill';
      await load.until(
        '60 disclosures released by the survivor after the kill',
        (all) =>
          all.filter((o) => o.target === survivor && o.sentIn === 'after-kill' && released(o))
            .length >= 60,
      );
      const outcomes = await load.stop();

      // The survivor answered every request, before, during and after its peer's death, with a release.
      const bySurvivor = outcomes.filter((o) => o.target === survivor);
      expect(bySurvivor.filter((o) => o.status !== 200)).toEqual([]);
      // The killed one answered 200 or not at all.
      const byKilled = outcomes.filter((o) => o.target === killed);
      expect(byKilled.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
      const cut = byKilled.filter((o) => o.status === undefined);
      expect(cut.length).toBeGreaterThan(0);

      // No restart: the survivor sweeps up the entries its dead peer committed but did not sequence.
      const { receipts } = await expectConsistentLog(
        database.url,
        brokers[survivor].url,
        network,
        outcomes,
        cut.length,
      );
      await expectLogVerifies(brokers[survivor].url, network, receipts);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('PostgreSQL stopped under load', () => {
  // This scenario stops and starts its database: always its own embedded PostgreSQL.
  let dir: string;
  let port: number;
  let postgres: RunningPostgres | undefined;
  let databaseUrl: string;
  let broker: Broker | undefined;
  let network: Network;
  const keyFile = join(tmpdir(), `filet-crash-outage-${process.pid}.json`);

  const startPostgres = async (): Promise<RunningPostgres> =>
    startEmbeddedPostgres({ dir, port, ephemeral: false });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'filet-crash-pg-'));
    port = await freePort();
    postgres = await startPostgres();
    await query(postgres.url, 'CREATE DATABASE filet');
    databaseUrl = withDatabase(postgres.url, 'filet');
    await migrateDatabase(databaseUrl);
    broker = await startBroker(databaseUrl, keyFile);
    network = await releasingNetwork(databaseUrl, broker.url);
  }, SCENARIO_TIMEOUT_MS);
  afterAll(async () => {
    if (broker) {
      broker.process.child.kill('SIGKILL');
      await broker.process.exited();
    }
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(keyFile, { force: true });
  });

  it(
    'every request gets a 503 while it is down, nothing is released, and the same broker serves again once it is back',
    async () => {
      const load = new LoadClient([broker!.url], network, CONCURRENCY);
      await load.until('60 disclosures released', (all) => all.filter(released).length >= 60);

      load.phase = 'stopping';
      const stopping = postgres!;
      postgres = undefined;
      await stopping.stop();
      load.phase = 'down';
      // The outage lasts long enough for the broker's background work (audit sweeps, webhook
      // polls, checkpoints) to meet it too.
      await sleep(3000);
      await load.until(
        '50 requests answered during the outage',
        (all) => all.filter((o) => o.sentIn === 'down' && o.settledIn === 'down').length >= 50,
      );

      load.phase = 'restarting';
      postgres = await startPostgres();
      load.phase = 'back';
      await load.until('a disclosure released once the database is back', (all) =>
        all.some((o) => o.sentIn === 'back' && released(o)),
      );
      const recoveredAt = load.outcomes.findIndex((o) => o.sentIn === 'back' && released(o));
      await load.until(
        '60 more disclosures released',
        (all) => all.filter((o) => o.sentAfter > recoveredAt && released(o)).length >= 60,
      );
      const outcomes = await load.stop();

      // The same process throughout: it never died and was never restarted.
      expect(broker!.process.child.exitCode).toBeNull();
      expect(outcomes.filter((o) => o.status === undefined)).toEqual([]);
      // Whatever the moment: a release, or a 503 problem with nothing of the address; never a 500.
      for (const o of outcomes.filter((o) => !released(o))) expectUnavailable(o);
      for (const o of outcomes.filter(released)) expect(o.status).toBe(200);
      // While the database was down, every request was refused.
      const duringOutage = outcomes.filter((o) => o.sentIn === 'down' && o.settledIn === 'down');
      expect(duringOutage.length).toBeGreaterThanOrEqual(50);
      expect(duringOutage.filter(released)).toEqual([]);
      // Once it released again, it kept releasing: recovered, not flapping.
      const afterRecovery = outcomes.filter((o) => o.sentAfter > recoveredAt);
      expect(afterRecovery.filter((o) => !released(o))).toEqual([]);

      // A 503 sent before the outage or around its edges may have committed just before the
      // database went away (its record then waits in audit_pending): at most those.
      const refusedAtEdges = outcomes.filter(
        (o) => !released(o) && !(o.sentIn === 'down' && o.settledIn === 'down'),
      ).length;
      const { receipts } = await expectConsistentLog(
        databaseUrl,
        broker!.url,
        network,
        outcomes,
        refusedAtEdges,
      );
      await expectLogVerifies(broker!.url, network, receipts);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
