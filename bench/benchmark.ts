/** One line of the results table: a subject measured by a benchmark, compared with that benchmark's baseline. */
export interface BenchRow {
  benchmark: string;
  subject: string;
  /**
   * Operations per second: requests, commits, records verified… as the benchmark's README says;
   * null for a row that is not a rate (a memory figure).
   */
  reqPerSec: number | null;
  /** Null where one operation has no latency of its own (a whole file, a bulk load). */
  p50Ms: number | null;
  p99Ms: number | null;
  /** reqPerSec divided by the baseline's (the baseline itself is 1); null for an information row. */
  ratio: number | null;
  /** ops/s of each round, so the spread behind the median stays visible. */
  rounds: number[];
  /** Short free text: a duration, the target it is held to. */
  note?: string;
  /** For a memory row: the peak resident set size of the process measured, in MB. */
  peakRssMb?: number;
}

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  /** Progress goes to stderr, so stdout carries only the table. */
  progress: (line: string) => void;
}

export interface Benchmark {
  name: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of sorted values, rounded to the microsecond. */
export function percentile(sorted: Float64Array, p: number): number {
  const value = sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return Math.round(value * 1000) / 1000;
}
