import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { ENV_LOG_DIR } from './test-env.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(): Promise<number | null>;
}

/**
 * Where a broker process's output goes for the personal-data check at teardown (brokers only: a
 * client such as the demo prints what it was given, by design).
 */
function captureFile(script: string, pid: number | undefined): string | undefined {
  const dir = process.env[ENV_LOG_DIR];
  if (!dir || !script.endsWith('src/main.js')) return undefined;
  const testPath = (
    globalThis as { expect?: { getState(): { testPath?: string } } }
  ).expect?.getState().testPath;
  return join(dir, `spawned-${basename(testPath ?? 'unknown')}.${pid}.log`);
}

/** A compiled entry point (from `dist/`) as its own process, with its output collected. */
export function spawnNode(script: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [script, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // Load tests drive one agency far past the production default; a test of the limit sets its own.
      FILET_RATE_LIMIT_PER_MINUTE: '100000000',
      FILET_RATE_LIMIT_BURST: '100000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const capture = captureFile(script, child.pid);
  let out = '';
  const collect = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (capture) appendFileSync(capture, chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited: () => exit,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const done = (): void => {
          clearInterval(timer);
          clearTimeout(deadline);
        };
        const timer = setInterval(() => {
          if (pattern.test(out)) {
            done();
            resolve(out);
          }
        }, 50);
        const deadline = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
        }, timeoutMs);
        void exit.then((code) => {
          if (!pattern.test(out)) {
            done();
            reject(new Error(`exited (${code}) before ${pattern}:\n${out}`));
          }
        });
      }),
  };
}
