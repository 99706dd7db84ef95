// HTTP load for the benchmarks: worker processes that listen on 127.0.0.1, and autocannon against them.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { percentile, type BenchOptions } from './benchmark.js';

export const CONNECTIONS = 10;
const START_TIMEOUT_MS = 60_000;

/** What a worker sends over IPC once it listens. */
export interface ReadyMessage {
  port: number;
}

// autocannon ships no types: only what is used here is declared.
interface RequestData {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface LoadResult {
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
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
  requests: (Partial<RequestData> & {
    setupRequest?: (request: RequestData) => RequestData;
  })[];
  verifyBody?: (body: string) => boolean;
}) => LoadRun;

export interface Worker {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  child: ChildProcess;
}

export interface Measure {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses in the measured window (warm-up excluded). */
  total: number;
}

/** Forks `node <script> <args>`, which reports its port over IPC when it listens. */
export function startWorker(
  script: string,
  args: readonly string[],
  label: string,
  options: { env?: NodeJS.ProcessEnv; execArgv?: readonly string[] } = {},
): Promise<Worker> {
  const child = fork(script, args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...(options.env ? { env: options.env } : {}),
    ...(options.execArgv ? { execArgv: [...process.execArgv, ...options.execArgv] } : {}),
  });
  return new Promise<Worker>((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit).off('message', onMessage);
      if (!error) return;
      child.kill('SIGKILL');
      reject(new Error(`${label}: ${error.message}`));
    };
    const onError = (error: Error): void => settle(error);
    const onExit = (code: number | null, signal: string | null): void =>
      settle(new Error(`arrêté au démarrage / exited on start (${signal ?? code})`));
    const onMessage = (message: ReadyMessage): void => {
      if (typeof message?.port !== 'number') return;
      settle();
      resolve({ url: `http://127.0.0.1:${message.port}`, child });
    };
    const timer = setTimeout(
      () => settle(new Error('pas prêt à temps / not ready in time')),
      START_TIMEOUT_MS,
    );
    child.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}

export async function stopWorker({ child }: Worker): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export interface LoadTarget {
  method?: 'GET' | 'POST';
  path?: string;
  /** JSON body, sent as is. */
  body?: string;
  /** Called once per request: its value is sent as `Authorization: Bearer <value>`. */
  token?: () => string;
  /** Every response body must pass, or the run fails (a fast stream of refusals is not a result). */
  verifyBody?: (body: string) => boolean;
}

/** CONNECTIONS clients for the warm-up, then BENCH_DURATION measured; any error fails the run. */
export async function load(
  baseUrl: string,
  target: LoadTarget,
  { durationSeconds, warmupSeconds }: BenchOptions,
): Promise<Measure> {
  const headers: Record<string, string> = target.body ? { 'content-type': 'application/json' } : {};
  const token = target.token;
  const loadRun = autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    duration: durationSeconds,
    warmup: { duration: warmupSeconds },
    requests: [
      {
        method: target.method ?? 'GET',
        path: target.path ?? '/',
        headers,
        ...(target.body ? { body: target.body } : {}),
        // A new object each time: autocannon keeps the template it was given.
        ...(token
          ? {
              setupRequest: (request: RequestData) => ({
                ...request,
                headers: { ...request.headers, authorization: `Bearer ${token()}` },
              }),
            }
          : {}),
      },
    ],
    ...(target.verifyBody ? { verifyBody: target.verifyBody } : {}),
  });
  // autocannon's own percentiles are whole milliseconds (0 on loopback); keep the exact times.
  const latencies: number[] = [];
  loadRun.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await loadRun;
  // A fast stream of errors would read as a fast server.
  if (
    result.errors > 0 ||
    result.non2xx > 0 ||
    result.mismatches > 0 ||
    result.requests.total === 0
  ) {
    const codes = Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ');
    throw new Error(
      `${target.method ?? 'GET'} ${baseUrl}${target.path ?? '/'}: ${result.errors} erreurs / errors ` +
        `(${result.timeouts} timeouts), ${result.non2xx} non-2xx, ${result.mismatches} ` +
        `réponses inattendues / unexpected bodies, ${result.requests.total} req (${codes})`,
    );
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    reqPerSec: result.requests.average,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    total: latencies.length,
  };
}
