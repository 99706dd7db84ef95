import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { adaptersBenchmark } from './adapters.bench.js';
import { auditBenchmark } from './audit.bench.js';
import { e2eBenchmark } from './e2e.bench.js';
import { engineBenchmark } from './engine.bench.js';
import type { Benchmark, BenchOptions, BenchRow } from './benchmark.js';

// Each benchmark is its own module returning rows; add new ones here.
const BENCHMARKS: readonly Benchmark[] = [
  adaptersBenchmark,
  e2eBenchmark,
  auditBenchmark,
  engineBenchmark,
];

const WARMUP_SECONDS = 2;

/** `BENCH_ONLY=e2e,audit`: only the benchmarks whose name starts with one of these. */
function selected(): readonly Benchmark[] {
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (only.length === 0) return BENCHMARKS;
  const chosen = BENCHMARKS.filter((b) => only.some((name) => b.name.startsWith(name)));
  if (chosen.length === 0) {
    throw new Error(
      `BENCH_ONLY invalide / invalid: "${only.join(',')}" (${BENCHMARKS.map((b) => b.name).join(', ')})`,
    );
  }
  return chosen;
}
// From dist/bench/ back to the source tree's bench/results/.
const RESULTS = new URL('../../bench/results/latest.json', import.meta.url);

function durationSeconds(): number {
  const raw = process.env.BENCH_DURATION ?? '8';
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new Error(`BENCH_DURATION invalide / invalid: "${raw}" (secondes / seconds, ≥ 1)`);
  }
  return seconds;
}

function table(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'subject', 'ops/s', 'p50 ms', 'p99 ms', 'ratio', 'spread', 'note'];
  const fixed = (value: number | null): string => (value === null ? '–' : value.toFixed(2));
  const cells = rows.map((row) => [
    row.benchmark,
    row.subject,
    row.reqPerSec === null ? '–' : Math.round(row.reqPerSec).toString(),
    fixed(row.p50Ms),
    fixed(row.p99Ms),
    row.ratio === null ? '–' : `×${row.ratio.toFixed(2)}`,
    // Range of the rounds relative to their median: how far to trust the ratio.
    row.rounds.length < 2 || row.reqPerSec === null
      ? '–'
      : `±${((50 * (Math.max(...row.rounds) - Math.min(...row.rounds))) / row.reqPerSec).toFixed(1)}%`,
    row.note ?? '',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]!.length)),
  );
  // Text columns left-aligned, figures right-aligned.
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i < 2 || i === 7 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const options: BenchOptions = {
  durationSeconds: durationSeconds(),
  warmupSeconds: WARMUP_SECONDS,
  progress: (text) => process.stderr.write(`${text}\n`),
};
const cpuCount = availableParallelism();

console.log("Filet — bancs d'essai / benchmarks");
options.progress(
  `Node ${process.version}, ${cpuCount} CPU — par manche / per round: ` +
    `${options.warmupSeconds} s d'échauffement / warm-up + ${options.durationSeconds} s de mesure / measured`,
);

const rows: BenchRow[] = [];
for (const benchmark of selected()) {
  options.progress(`▶ ${benchmark.name}`);
  rows.push(...(await benchmark.run(options)));
}

console.log(table(rows));
await writeFile(
  RESULTS,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpuCount,
      cpuModel: cpus()[0]?.model ?? null,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rows,
    },
    null,
    2,
  )}\n`,
);
options.progress(`Résultats écrits dans / results written to ${RESULTS.pathname}`);
