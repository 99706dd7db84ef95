import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { InjectLogger } from '../common/logging/logger.provider.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { RetentionService, type RetentionCounts } from './retention.service.js';

/**
 * The first run comes this soon after start-up (or after one interval, if shorter): a broker
 * restarted more often than the interval still runs retention.
 */
export const FIRST_RUN_DELAY_MS = 5 * 60_000;

/**
 * Runs retention every `FILET_RETENTION_EVERY_MINUTES`, on every broker instance: concurrent runs
 * share the work through PostgreSQL, never doing anything twice. A run that fails is logged (its
 * kind, never its message, which may quote data) and the next one tries again; nothing it throws
 * reaches the process. The timer never keeps the process alive, and stops, letting a run in
 * progress finish its batch, when the application closes.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly retention: RetentionService,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.min(FIRST_RUN_DELAY_MS, this.everyMs()));
  }

  /** Before the audit log and the database it writes to go (dependents are destroyed first). */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** One scheduled run, now. Never throws. */
  async tick(): Promise<void> {
    const requestId = `retention-${randomUUID()}`;
    try {
      const counts = await this.retention.run(new Date(), {
        requestId,
        signal: this.stopping.signal,
      });
      const changes = Object.values(counts).reduce((sum, n) => sum + n, 0);
      if (changes > 0)
        this.logger.info(
          { event: 'retention.run', requestId, count: changes },
          `retention run: ${describe(counts)}`,
        );
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.logger.warn(
        {
          event: 'retention.failed',
          requestId,
          errorName: error instanceof Error ? error.name : 'unknown',
          pgCode: (error as { driverError?: { code?: unknown } }).driverError?.code,
        },
        'retention run failed; retried at the next run',
      );
    }
  }

  private everyMs(): number {
    return this.config.retentionEveryMinutes * 60_000;
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.everyMs());
      });
    }, delayMs);
    this.timer.unref();
  }
}

/** Counts only: nothing a run logs names a person or an item. */
function describe(counts: RetentionCounts): string {
  return Object.entries(counts)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
}
