import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Compiled entry points, as `npm start` and `npm run demo` run them (`npm test` builds first).
const MAIN = 'dist/src/main.js';
const DEMO = 'dist/src/cli/demo.js';
const TOKEN = 'dist/src/cli/token.js';

/** A script run as the guides run it, in `cwd`, with its stdout. */
async function node(args: string[], env: Record<string, string>, cwd?: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return stdout;
}

async function runDemo(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const demo = spawnNode(DEMO, args, env);
  const code = await demo.exited();
  return { code, out: demo.output() };
}

/**
 * `npm run demo` against a real broker process seeded with the demo network: the whole story in
 * French, then again in English on the same broker (a fresh case, a new agreement), each ending with
 * the offline verification of the exported log. The demo exits non-zero on any step that does not
 * behave as the story says, so this is also a smoke test of the broker end to end.
 */
describe('npm run demo', () => {
  let database: TestDatabase;
  let varDir: string;
  let broker: Spawned;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    varDir = await mkdtemp(join(tmpdir(), 'filet-demo-e2e-'));
    await chmod(varDir, 0o700);
    const port = await freePort();
    env = {
      NODE_ENV: 'development',
      FILET_VAR_DIR: varDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    broker = spawnNode(MAIN, [], {
      ...env,
      DATABASE_URL: database.url,
      FILET_DEMO_SEED: 'true',
    });
    await broker.waitFor(/Filet is ready/);
  });
  afterAll(async () => {
    broker?.child.kill('SIGKILL');
    await broker?.exited();
    await database?.drop();
    await rm(varDir, { recursive: true, force: true });
  });

  it('tells the story in French, every step as expected, and verifies the log offline', async () => {
    const { code, out } = await runDemo(['--lang', 'fr'], env);
    expect({ code, tail: out.slice(-600) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(out).toContain('1. Prologue : la cellule et son entente');
    expect(out).toContain('retenu : identity — R-STAGE');
    expect(out).toContain('champ retenu : code_word — FR-CODE-WORD-HOLDER-ONLY');
    expect(out).toContain('✗ R-SEPARATION-OF-DUTIES');
    expect(out).toContain('O-CONSENT-WITHDRAWN');
    expect(out).toContain('révision juridique (life_safety_exception, no_agreement)');
    expect(out).toContain('lignes retenues : 1');
    expect(out).toMatch(/OK — \d+ enregistrements/);
    expect(out).toContain('Fin de l’histoire');
  });

  it('tells it again in English on the same broker', async () => {
    const { code, out } = await runDemo(['--url', `http://127.0.0.1:${env.PORT}`], {
      ...env,
      LANG: 'en_CA.UTF-8',
    });
    expect({ code, tail: out.slice(-600) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(out).toContain('3. The de-identified presentation');
    expect(out).toContain('Decision: partial · receipt #');
    expect(out).toContain('code_word = “sunflower”');
    expect(out).toContain('Review outcome: "upheld"');
    expect(out).toContain('lines held: 1');
    expect(out).toMatch(/\d+ records, \d+ checkpoints, \d+ receipts verified/);
    expect(out).toContain('The end: every step went as the story says');
    // Each run keeps its export, the keys and its receipts under FILET_VAR_DIR/demo, to look again.
    expect(await readdir(join(varDir, 'demo'))).toHaveLength(2);
  });

  it('the integrators’ guide runs: a key made and registered, then a decision, its receipt and its proof', async () => {
    const work = await mkdtemp(join(tmpdir(), 'filet-integrator-'));
    const url = `http://127.0.0.1:${env.PORT}`;
    try {
      const { agencyId } = JSON.parse(
        await readFile(join(varDir, 'keys', 'police-vsl.json'), 'utf8'),
      ) as { agencyId: string };
      const registration = await node(
        [resolve('examples/new-agency-key.mjs'), agencyId, 'police-2026-e2e'],
        env,
        work,
      );
      const admin = await node(
        [TOKEN, '--agency', 'cir-vsl', '--sub', 'demo-admin', '--roles', 'admin'],
        env,
      );
      const registered = await fetch(`${url}/v1/agencies/${agencyId}/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.trim()}`, 'content-type': 'application/json' },
        body: registration,
      });
      expect(registered.status).toBe(201);
      const keyFile = join(work, 'police-2026-e2e.private.json');
      const directory = await node([resolve('examples/agency-client.mjs'), keyFile], {
        FILET_URL: url,
      });
      expect(directory).toContain('200: 9 agencies in the directory');
      const out = await node([resolve('examples/disclosure-client.mjs'), keyFile], {
        FILET_URL: url,
      });
      expect(out).toContain('withheld identity: R-STAGE');
      expect(out).toMatch(/receipt: record #\d+, .* — signature OK/);
      expect(out).toMatch(/proof: record #\d+ is in the checkpoint of \d+ records signed .* — OK/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('refuses, in both languages, when the broker is not there or lacks the demo network', async () => {
    const away = await runDemo(['--url', `http://127.0.0.1:${await freePort()}`], env);
    expect(away.code).toBe(2);
    expect(away.out).toContain('Le courtier ne répond pas');
    expect(away.out).toContain('The broker does not answer');
    const elsewhere = await mkdtemp(join(tmpdir(), 'filet-demo-nokeys-'));
    try {
      const missing = await runDemo([], { ...env, FILET_VAR_DIR: elsewhere });
      expect(missing.code).toBe(2);
      expect(missing.out).toContain('Réseau de démonstration introuvable');
      expect(missing.out).toContain('Demo network missing');
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
