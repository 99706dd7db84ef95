import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit records are written in two steps (a sequencer, as in Trillian and Tessera): the action's own
 * transaction enqueues its record durably in `audit_pending`, with no global lock, so concurrent
 * actions commit together; a sequencer then moves pending records into the tree in batches, under
 * the head's row lock, one commit per batch. `pending_id` ties a sequenced record to its entry, so
 * the waiting request finds its sequence number whichever broker instance sequenced it.
 */
export class AuditSequencer1763884900000 implements MigrationInterface {
  name = 'AuditSequencer1763884900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_pending" (
        "id" bigserial NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        "entry" jsonb NOT NULL,
        CONSTRAINT "PK_audit_pending" PRIMARY KEY ("id")
      )`);
    await q.query(`ALTER TABLE "audit_record" ADD "pending_id" bigint`);
    await q.query(
      `CREATE UNIQUE INDEX "audit_record_pending_id_unique" ON "audit_record" ("pending_id")`,
    );
    await q.query(`GRANT SELECT, INSERT, DELETE ON "audit_pending" TO filet_app`);
    await q.query(`GRANT USAGE ON SEQUENCE "audit_pending_id_seq" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "audit_record_pending_id_unique"`);
    await q.query(`ALTER TABLE "audit_record" DROP COLUMN "pending_id"`);
    await q.query(`DROP TABLE "audit_pending"`);
  }
}
