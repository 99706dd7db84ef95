import { Writable } from 'node:stream';
import { jest } from '@jest/globals';
import { createLogger } from '../common/logging/logger.js';
import { loadConfig } from '../config/app-config.js';
import { FIRST_RUN_DELAY_MS, RetentionScheduler } from './retention.scheduler.js';
import type { RetentionCounts, RetentionService, RunOptions } from './retention.service.js';

const COUNTS: RetentionCounts = {
  purgedItems: 2,
  endedConsents: 0,
  endedAgreements: 1,
  purgedRiskChanges: 0,
  purgedNotifications: 0,
};

/**
 * The schedule alone, on Jest's clock: the runs themselves (against PostgreSQL) are in
 * test/e2e/retention.e2e-spec.ts. The service here fails on demand the way a database would.
 */
describe('retention schedule', () => {
  let lines: string[];
  let runs: RunOptions[];
  let failNext: boolean;
  let holdUntilStopped: boolean;
  let scheduler: RetentionScheduler;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    lines = [];
    runs = [];
    failNext = false;
    holdUntilStopped = false;
    const service = {
      run: async (_now: Date, options: RunOptions): Promise<RetentionCounts> => {
        runs.push(options);
        if (holdUntilStopped) {
          // A long run: it ends at its next batch once told to stop.
          await new Promise((resolve) => options.signal?.addEventListener('abort', resolve));
          return COUNTS;
        }
        if (failNext) {
          failNext = false;
          // What a failed query carries: a message that may quote a row's values.
          throw Object.assign(
            new Error('duplicate key: (summary)=(Rendez-vous au 12 rue des Lilas)'),
            {
              name: 'QueryFailedError',
              driverError: { code: '23505' },
            },
          );
        }
        return COUNTS;
      },
    } as unknown as RetentionService;
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      }),
    });
    scheduler = new RetentionScheduler(
      service,
      loadConfig({ NODE_ENV: 'test', FILET_RETENTION_EVERY_MINUTES: '60' }),
      logger,
    );
  });
  afterEach(async () => {
    await scheduler.onModuleDestroy();
    jest.useRealTimers();
  });

  const settle = async (ms: number): Promise<void> => {
    await jest.advanceTimersByTimeAsync(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };

  it('runs soon after start-up, then every interval, without keeping the process alive', async () => {
    scheduler.onApplicationBootstrap();
    await settle(FIRST_RUN_DELAY_MS - 1);
    expect(runs).toHaveLength(0);
    await settle(1);
    expect(runs).toHaveLength(1);
    await settle(60 * 60_000);
    expect(runs).toHaveLength(2);
    expect(runs[0].requestId).not.toEqual(runs[1].requestId);
    const timer = (scheduler as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
  });

  it('a failed run is logged by kind only, never its message, and the next one runs', async () => {
    failNext = true;
    scheduler.onApplicationBootstrap();
    await settle(FIRST_RUN_DELAY_MS);
    expect(runs).toHaveLength(1);
    const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(failure).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'retention.failed',
        errorName: 'QueryFailedError',
        pgCode: '23505',
        requestId: runs[0].requestId,
      }),
    ]);
    expect(lines.join('\n')).not.toContain('Lilas');

    await settle(60 * 60_000);
    expect(runs).toHaveLength(2);
    expect(JSON.parse(lines[1])).toEqual(
      expect.objectContaining({ event: 'retention.run', count: 3 }),
    );
  });

  it('stops on shutdown: the run in progress is told to stop and awaited, no run follows', async () => {
    holdUntilStopped = true;
    scheduler.onApplicationBootstrap();
    await settle(FIRST_RUN_DELAY_MS);
    expect(runs).toHaveLength(1);
    expect(runs[0].signal?.aborted).toBe(false);
    await scheduler.onModuleDestroy();
    expect(runs[0].signal?.aborted).toBe(true);
    await settle(10 * 60 * 60_000);
    expect(runs).toHaveLength(1);
  });
});
