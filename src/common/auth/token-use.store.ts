import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PURGE_EVERY_MS = 60_000;

/** The single-use register of token ids, in PostgreSQL so every broker instance sees every use. */
@Injectable()
export class TokenUseStore implements OnModuleInit, OnModuleDestroy {
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Records a token id; false when it was already used. */
  async spend(agencyId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO token_use (agency_id, jti, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (agency_id, jti) DO NOTHING RETURNING 1`,
      [agencyId, jti, expiresAt],
    );
    return rows.length === 1;
  }

  /** Expired token ids can no longer be replayed (their token fails on `exp`), so they may go. */
  async purgeExpired(): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      // A margin covers brokers whose clocks run behind the database's: a token id is kept until no
      // instance could still accept its token.
      "DELETE FROM token_use WHERE expires_at < now() - interval '10 minutes'",
    );
    return result[1];
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(
      () => void this.purgeExpired().catch(() => undefined),
      PURGE_EVERY_MS,
    );
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
