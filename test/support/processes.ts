import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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

/** A compiled entry point (from `dist/`) as its own process, with its output collected. */
export function spawnNode(script: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
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
