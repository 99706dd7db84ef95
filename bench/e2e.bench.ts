// Entities are decorated: the metadata polyfill must load before database.js.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { AgencyKeyEntity } from '../src/agencies/agency-key.entity.js';
import { AgencyEntity } from '../src/agencies/agency.entity.js';
import type { Sector } from '../src/agencies/agency.types.js';
import { ROLES, type Role } from '../src/common/auth/roles.js';
import { createDataSource } from '../src/database.js';
import {
  median,
  percentile,
  type Benchmark,
  type BenchOptions,
  type BenchRow,
} from './benchmark.js';
import type { MemoryMessage } from './broker-server.js';
import { CONNECTIONS, load, startWorker, stopWorker, type Measure, type Worker } from './load.js';
import { withScratchDatabase, withServer, withTempDir } from './postgres.js';
import { generateAgencyKey, TokenMinter, TokenPool, type AgencyKey } from './tokens.js';

const ROUNDS = 2;
const AUDIENCE = 'urn:filet:broker';
const BROKER = fileURLToPath(new URL('./broker-server.js', import.meta.url));
const HELLO = fileURLToPath(new URL('./hello-server.js', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../policies', import.meta.url));
// Before the first round of the token check there is nothing to size its pool on: DESIGN §7's
// "ES256 verification alone caps a route at ≈ 9k req/s" on two cores. A short pool is refilled on
// the spot (and reported); a long one only costs a second of signing before the round.
const FIRST_GUESS_PER_SECOND = 9_000;
const POOL_MARGIN = 1.5;
const MEMORY_SAMPLE_MS = 250;
const VERIFY_WARMUP = 1_000;
const VERIFY_CALLS = 20_000;

interface Agency {
  id: string;
  key: AgencyKey;
  token(roles: readonly Role[]): string;
}

/** Inserts an active agency with one ES256 key, as test/factories/agency.factory.ts does. */
async function insertAgencies(
  url: string,
  sectors: readonly Sector[],
): Promise<Record<string, Agency>> {
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'filet-bench' });
  await dataSource.initialize();
  try {
    const agencies: Record<string, Agency> = {};
    for (const sector of sectors) {
      const code = `bench-${sector}-${randomBytes(3).toString('hex')}`;
      const repository = dataSource.getRepository(AgencyEntity);
      const agency = await repository.save(
        repository.create({
          code,
          nameFr: `Organisme ${code}`,
          nameEn: `Agency ${code}`,
          sector,
          jurisdiction: 'CA-QC',
          privacyRegime: 'QC-A-2.1',
          allowedRoles: [...ROLES],
          status: 'active',
        }),
      );
      const key = generateAgencyKey();
      await dataSource.getRepository(AgencyKeyEntity).insert({
        agencyId: agency.id,
        kid: key.kid,
        alg: 'ES256',
        publicJwk: key.publicJwk,
        status: 'active',
      });
      agencies[sector] = {
        id: agency.id,
        key,
        token: (roles) => new TokenMinter(key, agency.id, roles, AUDIENCE, 'bench-setup').mint(),
      };
    }
    return agencies;
  } finally {
    await dataSource.destroy();
  }
}

async function call(
  baseUrl: string,
  agency: Agency,
  roles: readonly Role[],
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${agency.token(roles)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const daysFromToday = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The case of test/e2e/disclosures.e2e-spec.ts, through the API: referred by the police, a victim,
 * ODARA 9, high_risk_confirmed, shelter and police assigned, active; an agreement shelter → police
 * for `location` signed by both; the shelter's `location` item and the victim's consent to the
 * police. Returns the body of the police's request for her location, which releases that item.
 */
async function setUpCase(baseUrl: string, agencies: Record<string, Agency>): Promise<string> {
  const {
    coordination: table,
    police,
    shelter,
  } = agencies as Record<'coordination' | 'police' | 'shelter', Agency>;
  const caseId = (await call(baseUrl, police, ['agency_user'], '/v1/cases', {
    reason: 'threat_to_kill',
    incidentDate: daysFromToday(-2),
  }).then((b) => b.id)) as string;
  const personId = (await call(baseUrl, police, ['agency_user'], `/v1/cases/${caseId}/persons`, {
    role: 'victim',
    capacity: 'capable',
    minor: false,
  }).then((b) => b.id)) as string;
  await call(baseUrl, police, ['agency_user'], `/v1/cases/${caseId}/risk-assessments`, {
    tool: 'odara',
    score: 9,
  });
  const stage = (stage: string) =>
    call(baseUrl, table, ['coordinator'], `/v1/cases/${caseId}/stage`, { stage });
  await stage('high_risk_confirmed');
  for (const agency of [shelter, police]) {
    await call(baseUrl, table, ['coordinator'], `/v1/cases/${caseId}/assignments`, {
      agencyId: agency.id,
    });
  }
  await stage('active');
  const agreementId = (await call(baseUrl, table, ['coordinator'], '/v1/agreements', {
    parties: [shelter.id, police.id],
    purposes: ['safety_planning', 'emergency'],
    flows: [{ fromAgencyId: shelter.id, toAgencyId: police.id, categories: ['location'] }],
    transmissionTerms: 'Par le courtier Filet seulement, chiffré en transit.',
    securityMeasures: 'Accès réservé aux intervenants désignés; journal d’audit inviolable.',
    frequency: 'as_needed',
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
    effectiveTo: null,
    retentionDays: 365,
    breachContact: 'vie-privee@agence.example',
  }).then((b) => b.id)) as string;
  for (const party of [shelter, police]) {
    await call(baseUrl, party, ['legal_reviewer'], `/v1/agreements/${agreementId}/signatures`, {
      version: 1,
    });
  }
  await call(baseUrl, shelter, ['agency_user'], `/v1/cases/${caseId}/information`, {
    personId,
    category: 'location',
    fields: { address: '12 rue des Lilas', municipality: 'Val-Saint-Loup' },
    retainUntil: daysFromToday(365),
  });
  await call(baseUrl, shelter, ['agency_user'], `/v1/cases/${caseId}/consents`, {
    personId,
    recipientAgencyIds: [police.id],
    categories: ['location'],
    purposes: ['safety_planning'],
    howObtained: 'in_person',
    capacityNote: 'capable_presumed',
  });
  const request = JSON.stringify({
    caseId,
    personId,
    categories: ['location'],
    purpose: 'safety_planning',
    basis: 'consent',
  });
  // The decision the load repeats: permitted, the one item released with its fields.
  const first = (await call(
    baseUrl,
    police,
    ['agency_user'],
    '/v1/disclosures',
    JSON.parse(request),
  )) as { outcome?: string; released?: { fields?: Record<string, unknown> }[]; receipt?: string };
  if (
    first.outcome !== 'permit' ||
    first.released?.length !== 1 ||
    first.released[0]?.fields?.address !== '12 rue des Lilas' ||
    !first.receipt
  ) {
    throw new Error(`disclosure: unexpected answer ${JSON.stringify(first)}`);
  }
  return request;
}

/** Resident set of the broker: /proc where there is one (read from outside, costs the broker nothing). */
async function procMemory(pid: number): Promise<{ rssKb: number; hwmKb: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rssKb = field('VmRSS');
    const hwmKb = field('VmHWM');
    return Number.isFinite(rssKb) && Number.isFinite(hwmKb) ? { rssKb, hwmKb } : undefined;
  } catch {
    return undefined;
  }
}

/** The broker's own figures, over IPC: its getrusage peak (for want of /proc), its live heap after a full GC. */
function askMemory({ child }: Worker): Promise<MemoryMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('broker: no memory report')), 5_000);
    const onMessage = (message: Partial<MemoryMessage>): void => {
      if (typeof message?.maxRssKb !== 'number') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as MemoryMessage);
    };
    child.on('message', onMessage);
    child.send({ memory: true });
  });
}

/** Samples the broker's RSS while `during` runs; the highest sample, in kB (undefined without /proc). */
async function sampleRss<T>(
  pid: number,
  during: () => Promise<T>,
): Promise<{ result: T; peakKb: number | undefined }> {
  let peakKb: number | undefined;
  const sample = async (): Promise<void> => {
    const memory = await procMemory(pid);
    if (memory) peakKb = Math.max(peakKb ?? 0, memory.rssKb);
  };
  const timer = setInterval(() => void sample(), MEMORY_SAMPLE_MS);
  try {
    const result = await during();
    await sample();
    return { result, peakKb };
  } finally {
    clearInterval(timer);
  }
}

interface Subject {
  subject: string;
  /** One round: load on a worker (or anything else that yields a measure), with the pool's tokens. */
  run: (token: () => string) => Promise<Measure>;
  /** Single-use tokens: refilled before each round, sized on the rates measured so far. */
  pool?: { tokens: TokenPool; perSecond: (rounds: readonly Measure[][]) => number };
  /** The process whose RSS is sampled during this subject's rounds. */
  sampleMemoryOf?: Worker;
}

interface Rounds {
  rounds: Measure[][];
  /** Per subject: tokens signed during its windows because its pool ran short. */
  late: number[];
  /** Highest RSS sampled during the subjects that asked for it, in kB (undefined without /proc). */
  peakKb: number | undefined;
}

const noToken = (): string => {
  throw new Error('pas de jetons / no token pool for this subject');
};

/** ROUNDS rounds of every subject in turn, so the machine's noise falls on all of them alike. */
async function measureRounds(subjects: readonly Subject[], options: BenchOptions): Promise<Rounds> {
  const result: Rounds = {
    rounds: subjects.map(() => []),
    late: subjects.map(() => 0),
    peakKb: undefined,
  };
  const window = options.warmupSeconds + options.durationSeconds;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, { subject, run, pool, sampleMemoryOf }] of subjects.entries()) {
      if (pool) {
        const size =
          Math.ceil(pool.perSecond(result.rounds) * window * POOL_MARGIN) + 2 * CONNECTIONS;
        const started = performance.now();
        pool.tokens.fill(size);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        options.progress(`  ${size.toLocaleString('en')} jetons / tokens (${seconds} s)`);
      }
      options.progress(`  ${subject}, manche / round ${round}/${ROUNDS}`);
      const once = (): Promise<Measure> => run(pool ? pool.tokens.take : noToken);
      if (sampleMemoryOf) {
        const sampled = await sampleRss(sampleMemoryOf.child.pid!, once);
        result.rounds[i]!.push(sampled.result);
        if (sampled.peakKb !== undefined) {
          result.peakKb = Math.max(result.peakKb ?? 0, sampled.peakKb);
        }
      } else {
        result.rounds[i]!.push(await once());
      }
      if (pool?.tokens.mintedLate) {
        result.late[i]! += pool.tokens.mintedLate;
        options.progress(
          `  ⚠ ${pool.tokens.mintedLate} jetons signés pendant la mesure / tokens signed in the window`,
        );
      }
    }
  }
  return result;
}

/**
 * The signature check alone, in this process: `jose`'s jwtVerify of ES256 tokens (the call and
 * options the broker's TokenVerifier makes), ten at a time like the HTTP clients, no HTTP, no SQL.
 */
async function verifyOnly(publicJwk: JWK, minter: TokenMinter): Promise<Measure> {
  const key = await importJWK(publicJwk, 'ES256');
  const verify = (jwt: string) =>
    jwtVerify(jwt, key, {
      algorithms: ['ES256'],
      audience: AUDIENCE,
      clockTolerance: 30,
      requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
    });
  const tokens = Array.from({ length: VERIFY_WARMUP + VERIFY_CALLS }, () => minter.mint());
  for (const jwt of tokens.splice(0, VERIFY_WARMUP)) await verify(jwt);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let jwt = tokens.pop(); jwt; jwt = tokens.pop()) {
        const began = performance.now();
        await verify(jwt);
        latencies.push(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    reqPerSec: latencies.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    total: latencies.length,
  };
}

function row(benchmark: string, subject: string, rounds: readonly Measure[], note?: string) {
  return {
    benchmark,
    subject,
    reqPerSec: median(rounds.map((m) => m.reqPerSec)),
    p50Ms: median(rounds.map((m) => m.p50Ms)),
    p99Ms: median(rounds.map((m) => m.p99Ms)),
    rounds: rounds.map((m) => m.reqPerSec),
    ...(note ? { note } : {}),
  };
}

async function countRows(url: string): Promise<{ decisions: number; records: number }> {
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'filet-bench' });
  await dataSource.initialize();
  try {
    const [counts]: { decisions: string; records: string }[] = await dataSource.query(
      `SELECT (SELECT count(*) FROM decision WHERE outcome = 'permit' AND NOT dry_run) AS decisions,
              (SELECT count(*) FROM audit_record WHERE action = 'disclosure.release') AS records`,
    );
    return { decisions: Number(counts!.decisions), records: Number(counts!.records) };
  } finally {
    await dataSource.destroy();
  }
}

async function measure(url: string, dir: string, options: BenchOptions): Promise<BenchRow[]> {
  const { progress } = options;
  const agencies = await insertAgencies(url, ['coordination', 'police', 'shelter']);
  const police = agencies.police!;
  progress('  courtier / broker + Fastify hello-world…');
  const workers: Worker[] = [];
  try {
    const profileDir = process.env.BENCH_CPU_PROF;
    const broker = await startWorker(BROKER, [], 'broker', {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info', // the production default: one JSON line a request (to /dev/null here)
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: url,
        FILET_VAR_DIR: dir,
        FILET_AUDIT_KEY_FILE: join(dir, 'broker-audit-keys.json'),
        FILET_POLICIES_DIR: POLICIES,
        FILET_AUDIENCE: AUDIENCE,
        // The load is one agency's, far above any table's: measured, not rate-limited (0 = off).
        FILET_RATE_LIMIT_PER_MINUTE: '0',
      },
      // gc(): the live heap is read after a full collection, at the end.
      execArgv: [
        '--expose-gc',
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : []),
      ],
    });
    workers.push(broker);
    const hello = await startWorker(HELLO, ['fastify'], 'fastify');
    workers.push(hello);
    progress('  dossier / case: signalement → actif, entente, renseignement, consentement…');
    const disclosureBody = await setUpCase(broker.url, agencies);

    // The best rate measured so far for subject `i`, else `fallback`'s.
    const best =
      (i: number, fallback: (rounds: readonly Measure[][]) => number) =>
      (rounds: readonly Measure[][]): number =>
        rounds[i]!.length ? Math.max(...rounds[i]!.map((m) => m.reqPerSec)) : fallback(rounds);
    const minter = new TokenMinter(police.key, police.id, ['agency_user'], AUDIENCE);
    const subjects: Subject[] = [
      {
        subject: 'Fastify hello-world',
        run: () => load(hello.url, {}, options),
      },
      {
        subject: 'broker GET /bench/hello',
        run: () => load(broker.url, { path: '/bench/hello' }, options),
      },
      {
        subject: 'broker GET /bench/noop',
        run: (token) => load(broker.url, { path: '/bench/noop', token }, options),
        pool: { tokens: new TokenPool(minter), perSecond: best(2, () => FIRST_GUESS_PER_SECOND) },
      },
      {
        subject: 'POST /v1/disclosures',
        run: (token) =>
          load(
            broker.url,
            {
              method: 'POST',
              path: '/v1/disclosures',
              body: disclosureBody,
              token,
              // Every answer counted must be the permit that released the item.
              verifyBody: (body) => body.includes('"outcome":"permit"'),
            },
            options,
          ),
        // At most the token check's rate: the same check comes first.
        pool: {
          tokens: new TokenPool(minter),
          perSecond: best(
            3,
            best(2, () => FIRST_GUESS_PER_SECOND),
          ),
        },
        sampleMemoryOf: broker,
      },
      {
        subject: 'jose jwtVerify ES256',
        run: () => verifyOnly(police.key.publicJwk, minter),
      },
    ];
    const { rounds, late, peakKb } = await measureRounds(subjects, options);
    const hwmKb = (await procMemory(broker.child.pid!))?.hwmKb;
    const reported = await askMemory(broker);
    const peakRssKb = hwmKb ?? reported.maxRssKb;

    // Every permit counted was a decision stored with its audit records, before it was answered.
    const answered = rounds[3]!.reduce((sum, m) => sum + m.total, 0);
    const stored = await countRows(url);
    if (stored.decisions < answered || stored.records < answered) {
      throw new Error(
        `${answered} disclosures answered, but ${stored.decisions} decisions and ` +
          `${stored.records} release records stored`,
      );
    }

    const lateNote = (i: number): string => (late[i] ? `; ${late[i]} tokens signed in-window` : '');
    const [helloRounds, publicRounds, noopRounds, disclosureRounds, verifyRounds] = rounds as [
      Measure[],
      Measure[],
      Measure[],
      Measure[],
      Measure[],
    ];
    const withRatio = (rows: ReturnType<typeof row>[]): BenchRow[] =>
      rows.map((r) => ({ ...r, ratio: r.reqPerSec / rows[0]!.reqPerSec }));
    const floor = withRatio([
      row('e2e-floor', subjects[0]!.subject, helloRounds, 'req/s; bare NestJS app, own process'),
      row('e2e-floor', subjects[1]!.subject, publicRounds, "req/s; + broker's hooks, log, guard"),
      row('e2e-floor', subjects[2]!.subject, noopRounds, `req/s; + token check${lateNote(2)}`),
    ]);
    const disclosure = withRatio([
      row('e2e-disclosure', subjects[2]!.subject, noopRounds, 'req/s; the rounds above'),
      row(
        'e2e-disclosure',
        subjects[3]!.subject,
        disclosureRounds,
        `req/s; target ≥ ×0.50, p99 < 25 ms${lateNote(3)}`,
      ),
    ]);
    const verify: BenchRow = {
      ...row('e2e-floor', subjects[4]!.subject, verifyRounds, 'verifications/s, ×10, in-process'),
      ratio: null,
    };
    const mb = (kb: number): string => `${Math.round(kb / 1024)} MB`;
    const memory: BenchRow = {
      benchmark: 'e2e-memory',
      subject: 'broker RSS',
      reqPerSec: null,
      p50Ms: null,
      p99Ms: null,
      ratio: null,
      rounds: [],
      peakRssMb: Math.round((peakKb ?? peakRssKb) / 1024),
      note: [
        peakKb !== undefined ? `${mb(peakKb)} under disclosures` : undefined,
        `process peak ${mb(peakRssKb)}`,
        reported.liveHeapBytes === null
          ? undefined
          : `live heap ${mb(reported.liveHeapBytes / 1024)} after GC`,
        'target < 300 MB',
      ]
        .filter(Boolean)
        .join('; '),
    };
    return [...floor, verify, ...disclosure, memory];
  } finally {
    await Promise.all(workers.map(stopWorker));
  }
}

async function run(options: BenchOptions): Promise<BenchRow[]> {
  return withServer(options.progress, (adminUrl) =>
    withScratchDatabase(adminUrl, (url) =>
      withTempDir('filet-bench-e2e-', (dir) => measure(url, dir, options)),
    ),
  );
}

export const e2eBenchmark: Benchmark = { name: 'end-to-end', run };
