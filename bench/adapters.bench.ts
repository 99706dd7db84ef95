import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  median,
  percentile,
  type Benchmark,
  type BenchOptions,
  type BenchRow,
} from './benchmark.js';
import type { AdapterName, ReadyMessage } from './hello-server.js';

// Express first: it is the baseline of the ratio.
const ADAPTERS: readonly AdapterName[] = ['express', 'fastify'];
const ROUNDS = 2;
const CONNECTIONS = 10;
const START_TIMEOUT_MS = 20_000;
const WORKER = fileURLToPath(new URL('./hello-server.js', import.meta.url));

// autocannon ships no types: only what is used here is declared.
interface LoadResult {
  requests: { average: number; total: number };
  errors: number;
  non2xx: number;
}
interface LoadRun extends PromiseLike<LoadResult> {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ): this;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  warmup: { duration: number };
}) => LoadRun;

interface Server {
  url: string;
  child: ChildProcess;
}

interface Measure {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function startServer(adapter: AdapterName): Promise<Server> {
  const child = fork(WORKER, [adapter], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise<Server>((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit).off('message', onMessage);
      if (!error) return;
      child.kill('SIGKILL');
      reject(new Error(`${adapter}: ${error.message}`));
    };
    const onError = (error: Error): void => settle(error);
    const onExit = (code: number | null, signal: string | null): void =>
      settle(new Error(`arrêté au démarrage / exited on start (${signal ?? code})`));
    const onMessage = (message: ReadyMessage): void => {
      settle();
      resolve({ url: `http://127.0.0.1:${message.port}/`, child });
    };
    const timer = setTimeout(
      () => settle(new Error('pas prêt à temps / not ready in time')),
      START_TIMEOUT_MS,
    );
    child.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}

async function stopServer({ child }: Server): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}

async function load(
  url: string,
  { durationSeconds, warmupSeconds }: BenchOptions,
): Promise<Measure> {
  const loadRun = autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationSeconds,
    warmup: { duration: warmupSeconds },
  });
  // autocannon's own percentiles are whole milliseconds (0 on loopback); keep the exact times.
  const latencies: number[] = [];
  loadRun.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await loadRun;
  // A fast stream of errors would read as a fast server.
  if (result.errors > 0 || result.non2xx > 0 || result.requests.total === 0) {
    throw new Error(
      `${url}: ${result.errors} erreurs / errors, ${result.non2xx} non-2xx, ${result.requests.total} req`,
    );
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    reqPerSec: result.requests.average,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

async function run(options: BenchOptions): Promise<BenchRow[]> {
  const servers = new Map<AdapterName, Server>();
  const measures = new Map<AdapterName, Measure[]>(ADAPTERS.map((adapter) => [adapter, []]));
  try {
    for (const adapter of ADAPTERS) servers.set(adapter, await startServer(adapter));
    // Alternating rounds spread the shared machine's noise over both adapters.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const adapter of ADAPTERS) {
        options.progress(`  ${adapter}, manche / round ${round}/${ROUNDS}`);
        measures.get(adapter)!.push(await load(servers.get(adapter)!.url, options));
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }

  const rows = ADAPTERS.map((adapter) => {
    const rounds = measures.get(adapter)!;
    return {
      benchmark: adaptersBenchmark.name,
      subject: adapter,
      reqPerSec: median(rounds.map((m) => m.reqPerSec)),
      p50Ms: median(rounds.map((m) => m.p50Ms)),
      p99Ms: median(rounds.map((m) => m.p99Ms)),
      rounds: rounds.map((m) => m.reqPerSec),
    };
  });
  const baseline = rows[0]!.reqPerSec;
  return rows.map((row) => ({ ...row, ratio: row.reqPerSec / baseline }));
}

export const adaptersBenchmark: Benchmark = { name: 'http-adapter', run };
