import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';

// The compiled broker, as `npm start` runs it (`npm test` builds before running the suites).
const MAIN = 'dist/src/main.js';
const TOKEN_CLI = 'dist/src/cli/token.js';

function embeddedPostgresRunning(varDir: string): boolean {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .some((line) => line.includes('postgres') && line.includes(join(varDir, 'postgres')));
}

describe('npm start on embedded PostgreSQL', () => {
  let varDir: string;
  let env: Record<string, string>;
  let broker: Spawned | undefined;

  beforeAll(async () => {
    varDir = await mkdtemp(join(tmpdir(), 'filet-start-'));
    await chmod(varDir, 0o755); // as a clone's ./var is: PostgreSQL's own user must reach it
    env = {
      NODE_ENV: 'development',
      FILET_VAR_DIR: varDir,
      PORT: String(await freePort()),
      FILET_EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    broker?.child.kill('SIGKILL');
    await rm(varDir, { recursive: true, force: true });
  });

  async function start(): Promise<Spawned> {
    broker = spawnNode(MAIN, [], env);
    await broker.waitFor(/Filet est prêt \/ Filet is ready/);
    return broker;
  }

  async function stop(b: Spawned): Promise<void> {
    b.child.kill('SIGINT');
    expect(await b.exited()).toBe(0);
    expect(b.output()).toContain('Filet stopped cleanly');
  }

  it('starts its own PostgreSQL, seeds the demo network with keys, and serves an authenticated API', async () => {
    const b = await start();
    expect(b.output()).toContain('demo network seeded');
    expect(b.output()).toContain(`http://127.0.0.1:${env.PORT}/docs`);
    expect(embeddedPostgresRunning(varDir)).toBe(true);
    const keys = await readdir(join(varDir, 'keys'));
    expect(keys.length).toBeGreaterThanOrEqual(8);

    const token = execFileSync(
      process.execPath,
      [TOKEN_CLI, '--agency', 'cir-vsl', '--sub', 'demo', '--roles', 'admin'],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    ).trim();
    const res = await fetch(`http://127.0.0.1:${env.PORT}/v1/agencies`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { sector: string }[] };
    expect(new Set(body.items.map((a) => a.sector))).toEqual(
      new Set([
        'coordination',
        'police',
        'shelter',
        'prosecution',
        'corrections',
        'perpetrator_program',
        'child_protection',
        'health',
        'victim_services',
      ]),
    );

    await stop(b);
    expect(embeddedPostgresRunning(varDir)).toBe(false);
  });

  it('a second start reuses the data: same agencies, no new seed, the old demo keys still sign', async () => {
    const b = await start();
    expect(b.output()).not.toContain('demo network seeded');
    const token = execFileSync(process.execPath, [TOKEN_CLI, '--agency', 'police-vsl'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    }).trim();
    const res = await fetch(`http://127.0.0.1:${env.PORT}/v1/agencies`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(9);
    // The README's runnable example of an agency system, against the same broker.
    const example = execFileSync(
      process.execPath,
      ['examples/agency-client.mjs', join(varDir, 'keys', 'maison-aube.json')],
      {
        env: { ...process.env, FILET_URL: `http://127.0.0.1:${env.PORT}` },
        encoding: 'utf8',
      },
    );
    expect(example).toContain('200: 9 agencies in the directory');
    await stop(b);
    expect(existsSync(join(varDir, 'postgres', 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  it('the token command refuses to mint demo tokens in production', () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [TOKEN_CLI, '--agency', 'cir-vsl'], {
        env: { ...process.env, ...env, NODE_ENV: 'production' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr).toContain('Refused: no demo tokens in production');
  });
});
