/** One line of the results table: a subject measured by a benchmark, compared with that benchmark's baseline. */
export interface BenchRow {
  benchmark: string;
  subject: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** reqPerSec divided by the baseline's (the baseline itself is 1). */
  ratio: number;
  /** req/s of each round, so the spread behind the median stays visible. */
  rounds: number[];
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
