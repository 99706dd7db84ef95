import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disclosure decisions (DESIGN §2, §3.1): the request and the facts it was decided on, in full
 * except item values (only field names matter to the rules), so a decision can be replayed; and
 * the holder approvals that `pending` decisions wait for.
 */
export class Decisions1763971700000 implements MigrationInterface {
  name = 'Decisions1763971700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "decision" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "requester_agency_id" uuid NOT NULL,
        "subject" text NOT NULL,
        "case_id" uuid NOT NULL,
        "person_id" uuid NOT NULL,
        "dry_run" boolean NOT NULL,
        "outcome" text NOT NULL,
        "request" jsonb NOT NULL,
        "facts" jsonb NOT NULL,
        "decision" jsonb NOT NULL,
        "policy_bundle_hash" text NOT NULL,
        "payload_sha256" text,
        "decided_at" timestamptz NOT NULL,
        CONSTRAINT "PK_decision" PRIMARY KEY ("id"),
        CONSTRAINT "decision_outcome_check" CHECK ("outcome" IN ('permit', 'partial', 'deny', 'pending'))
      )`);
    await q.query(`CREATE INDEX "decision_case_id_idx" ON "decision" ("case_id")`);
    await q.query(`
      CREATE TABLE "decision_approval" (
        "decision_id" uuid NOT NULL,
        "item_id" uuid NOT NULL,
        "holder_agency_id" uuid NOT NULL,
        "item_version" integer NOT NULL,
        "status" text NOT NULL,
        "decided_by" text,
        "decided_at" timestamptz,
        CONSTRAINT "PK_decision_approval" PRIMARY KEY ("decision_id", "item_id"),
        CONSTRAINT "FK_decision_approval_decision" FOREIGN KEY ("decision_id") REFERENCES "decision"("id") ON DELETE RESTRICT,
        CONSTRAINT "decision_approval_status_check" CHECK ("status" IN ('pending', 'approved', 'refused', 'released'))
      )`);
    // A decision is history: never changed, never deleted.
    await q.query(`CREATE TRIGGER "decision_no_update_delete" BEFORE UPDATE OR DELETE ON "decision"
                   FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);
    await q.query(`GRANT SELECT, INSERT ON "decision" TO filet_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON "decision_approval" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "decision_approval"`);
    await q.query(`DROP TABLE "decision"`);
  }
}
