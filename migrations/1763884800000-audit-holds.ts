import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safety holds on entries of the subject access report (DESIGN §4): an entry whose recipient would
 * reveal a victim's refuge or an investigation is left out of the report until released. The hold
 * and its release are themselves recorded in the audit log; this table only says what is held now.
 */
export class AuditHolds1763884800000 implements MigrationInterface {
  name = 'AuditHolds1763884800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_hold" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "seq" bigint NOT NULL,
        "reason" text NOT NULL,
        "held_by_agency_id" uuid NOT NULL,
        "held_at" timestamptz NOT NULL DEFAULT now(),
        "released_by_agency_id" uuid,
        "released_at" timestamptz,
        CONSTRAINT "PK_audit_hold" PRIMARY KEY ("id"),
        CONSTRAINT "FK_audit_hold_record" FOREIGN KEY ("seq") REFERENCES "audit_record"("seq") ON DELETE RESTRICT,
        CONSTRAINT "audit_hold_reason_check" CHECK ("reason" IN ('shelter_location', 'investigation', 'safety_risk', 'court_order'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "audit_hold_active_unique" ON "audit_hold" ("seq") WHERE "released_at" IS NULL`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "audit_hold" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_hold"`);
  }
}
