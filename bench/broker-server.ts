// Forked by e2e.bench.ts: the real broker, in its own process, as main.ts starts it (configuration
// from the environment, the pool as `filet_app`, createApp), plus one bench-only module with two
// routes the product does not have. Reports its port over IPC, and its memory when asked.
import 'reflect-metadata';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { createApp } from '../src/app.factory.js';
import { AppModule, type AppModuleOptions } from '../src/app.module.js';
import { Authenticated, Public } from '../src/common/auth/access.decorator.js';
import { createLogger } from '../src/common/logging/logger.js';
import { loadConfig } from '../src/config/app-config.js';
import { createDataSource } from '../src/database.js';
import type { ReadyMessage } from './load.js';

export interface MemoryMessage {
  /** Peak resident set size since the process started (getrusage ru_maxrss), in kilobytes. */
  maxRssKb: number;
  rssBytes: number;
  /** The JavaScript heap in use after a full garbage collection (when started with --expose-gc). */
  liveHeapBytes: number | null;
}

/**
 * The floor of a request on this broker: `hello` goes through everything the broker adds to
 * Fastify and Nest (its hooks, request log, global guard and filter) with no token; `noop` adds the
 * token check every product route pays — the issuer lookup, the ES256 signature, the time checks
 * and the single-use `jti` insert — and does nothing else.
 */
@Controller('bench')
class BenchController {
  @Get('hello')
  @Public()
  hello(): { hello: string } {
    return { hello: 'world' };
  }

  @Get('noop')
  @Authenticated()
  noop(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

if (!process.send) throw new Error('À lancer par fork() / must be started with fork()');
// Never outlive the benchmark runner, even if it crashes before stopping us.
process.on('disconnect', () => process.exit(0));

// The product's module, with the bench module added: createApp itself is untouched.
const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (options: AppModuleOptions): DynamicModule => {
  const module = forRoot(options);
  return { ...module, imports: [...(module.imports ?? []), BenchModule] };
};

const config = loadConfig();
if (!config.databaseUrl) throw new Error('DATABASE_URL manquant / missing');
const logger = createLogger({ level: config.logLevel });
const dataSource = createDataSource({
  url: config.databaseUrl,
  poolSize: config.dbPoolSize,
  role: config.dbRole || undefined,
});
await dataSource.initialize();
const app = await createApp({ config, dataSource, logger });
await app.listen({ port: config.port, host: config.host });

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void app
    .close()
    .then(() => dataSource.destroy())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
process.on('message', (message: { memory?: boolean }) => {
  if (!message?.memory) return;
  const maxRssKb = process.resourceUsage().maxRSS;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  process.send!({
    maxRssKb,
    rssBytes: process.memoryUsage.rss(),
    liveHeapBytes: gc ? process.memoryUsage().heapUsed : null,
  } satisfies MemoryMessage);
});

const address = app.getHttpServer().address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send({ port } satisfies ReadyMessage);
