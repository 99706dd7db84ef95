import { fileURLToPath } from 'node:url';
import { median, type Benchmark, type BenchOptions, type BenchRow } from './benchmark.js';
import type { AdapterName } from './hello-server.js';
import { load, startWorker, stopWorker, type Measure, type Worker } from './load.js';

// Express first: it is the baseline of the ratio.
const ADAPTERS: readonly AdapterName[] = ['express', 'fastify'];
const ROUNDS = 2;
const WORKER = fileURLToPath(new URL('./hello-server.js', import.meta.url));

async function run(options: BenchOptions): Promise<BenchRow[]> {
  const servers = new Map<AdapterName, Worker>();
  const measures = new Map<AdapterName, Measure[]>(ADAPTERS.map((adapter) => [adapter, []]));
  try {
    for (const adapter of ADAPTERS) {
      servers.set(adapter, await startWorker(WORKER, [adapter], adapter));
    }
    // Alternating rounds spread the shared machine's noise over both adapters.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const adapter of ADAPTERS) {
        options.progress(`  ${adapter}, manche / round ${round}/${ROUNDS}`);
        measures.get(adapter)!.push(await load(servers.get(adapter)!.url, {}, options));
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(stopWorker));
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
