import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What follows a decision (DESIGN §2, §3.3, §4): legal reviews and their comments, notices to the
 * person held for safety review, risk changes and the notifications they fan out to (a pull inbox
 * and a durable webhook outbox), and the marks retention leaves on what it purged or ended.
 */
export class Workflows1764057600000 implements MigrationInterface {
  name = 'Workflows1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "review" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "decision_id" uuid NOT NULL,
        "reasons" text array NOT NULL,
        "status" text NOT NULL,
        "opened_at" timestamptz NOT NULL DEFAULT now(),
        "due_at" timestamptz NOT NULL,
        "opened_by_agency_id" uuid,
        "opened_by_subject" text,
        "note" text,
        "follows_review_id" uuid,
        "outcome" text,
        "outcome_reasons" text,
        "remediation" text,
        "decided_by_agency_id" uuid,
        "decided_by_subject" text,
        "decided_at" timestamptz,
        CONSTRAINT "PK_review" PRIMARY KEY ("id"),
        CONSTRAINT "FK_review_decision" FOREIGN KEY ("decision_id") REFERENCES "decision"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_review_follows" FOREIGN KEY ("follows_review_id") REFERENCES "review"("id") ON DELETE RESTRICT,
        CONSTRAINT "review_status_check" CHECK ("status" IN ('open', 'decided')),
        CONSTRAINT "review_outcome_check" CHECK ("outcome" IS NULL OR "outcome" IN ('upheld', 'not_justified', 'remediation_required')),
        CONSTRAINT "review_decided_check" CHECK (("status" = 'decided') = ("outcome" IS NOT NULL AND "outcome_reasons" IS NOT NULL AND "decided_at" IS NOT NULL AND "decided_by_subject" IS NOT NULL))
      )`);
    // One open review per decision at a time; a decided one is followed by another, never changed.
    await q.query(
      `CREATE UNIQUE INDEX "review_one_open" ON "review" ("decision_id") WHERE "status" = 'open'`,
    );
    await q.query(`CREATE INDEX "review_status_due_idx" ON "review" ("status", "due_at")`);
    await q.query(`
      CREATE FUNCTION "review_decided_is_final"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD."status" = 'decided' THEN
          RAISE EXCEPTION 'a decided review cannot be changed' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER "review_decided_is_final" BEFORE UPDATE ON "review"
                   FOR EACH ROW EXECUTE FUNCTION "review_decided_is_final"()`);
    await q.query(`CREATE TRIGGER "review_no_delete" BEFORE DELETE ON "review"
                   FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);
    await q.query(`
      CREATE TABLE "review_comment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "review_id" uuid NOT NULL,
        "author_agency_id" uuid NOT NULL,
        "author_subject" text NOT NULL,
        "text" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_review_comment" PRIMARY KEY ("id"),
        CONSTRAINT "FK_review_comment_review" FOREIGN KEY ("review_id") REFERENCES "review"("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "review_comment_review_idx" ON "review_comment" ("review_id")`);

    await q.query(`
      CREATE TABLE "notice" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "decision_id" uuid NOT NULL,
        "holder_agency_id" uuid NOT NULL,
        "case_id" uuid NOT NULL,
        "person_id" uuid NOT NULL,
        "regime" text NOT NULL,
        "status" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "due_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_notice" PRIMARY KEY ("id"),
        CONSTRAINT "FK_notice_decision" FOREIGN KEY ("decision_id") REFERENCES "decision"("id") ON DELETE RESTRICT,
        CONSTRAINT "notice_one_per_holder" UNIQUE ("decision_id", "holder_agency_id"),
        CONSTRAINT "notice_status_check" CHECK ("status" IN ('held', 'cleared_to_send', 'withheld_for_safety', 'sent'))
      )`);
    await q.query(
      `CREATE INDEX "notice_holder_status_idx" ON "notice" ("holder_agency_id", "status")`,
    );
    await q.query(`
      CREATE TABLE "notice_event" (
        "id" bigserial NOT NULL,
        "notice_id" uuid NOT NULL,
        "status" text NOT NULL,
        "reasons" text,
        "means" text,
        "actor_agency_id" uuid,
        "actor_subject" text,
        "at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_notice_event" PRIMARY KEY ("id"),
        CONSTRAINT "FK_notice_event_notice" FOREIGN KEY ("notice_id") REFERENCES "notice"("id") ON DELETE RESTRICT,
        CONSTRAINT "notice_event_status_check" CHECK ("status" IN ('held', 'cleared_to_send', 'withheld_for_safety', 'sent'))
      )`);
    await q.query(`CREATE INDEX "notice_event_notice_idx" ON "notice_event" ("notice_id")`);

    await q.query(`
      CREATE TABLE "risk_change" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "reported_by_agency_id" uuid NOT NULL,
        "reported_by_subject" text NOT NULL,
        "kind" text NOT NULL,
        "urgent" boolean NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "summary" text,
        "contact_point" text,
        "person_ids" uuid array NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "purged_at" timestamptz,
        CONSTRAINT "PK_risk_change" PRIMARY KEY ("id"),
        CONSTRAINT "FK_risk_change_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "risk_change_case_idx" ON "risk_change" ("case_id")`);
    await q.query(`
      CREATE TABLE "notification" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "recipient_agency_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "case_id" uuid,
        "source_id" uuid,
        "payload" jsonb NOT NULL,
        "urgent" boolean NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "escalate_at" timestamptz,
        "escalated_at" timestamptz,
        "acknowledged_at" timestamptz,
        "acknowledged_by" text,
        "purged_at" timestamptz,
        CONSTRAINT "PK_notification" PRIMARY KEY ("id"),
        CONSTRAINT "FK_notification_recipient" FOREIGN KEY ("recipient_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "notification_kind_check" CHECK ("kind" IN ('risk_change', 'consent_withdrawn', 'escalation', 'exception_used')),
        CONSTRAINT "notification_ack_check" CHECK (("acknowledged_at" IS NULL) = ("acknowledged_by" IS NULL))
      )`);
    await q.query(
      `CREATE INDEX "notification_inbox_idx" ON "notification" ("recipient_agency_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "notification_escalation_idx" ON "notification" ("escalate_at") WHERE "acknowledged_at" IS NULL AND "escalated_at" IS NULL`,
    );
    await q.query(`
      CREATE TABLE "webhook" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agency_id" uuid NOT NULL,
        "url" text NOT NULL,
        "status" text NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "disabled_at" timestamptz,
        CONSTRAINT "PK_webhook" PRIMARY KEY ("id"),
        CONSTRAINT "FK_webhook_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "webhook_status_check" CHECK ("status" IN ('active', 'disabled')),
        CONSTRAINT "webhook_disabled_check" CHECK (("status" = 'disabled') = ("disabled_at" IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX "webhook_agency_idx" ON "webhook" ("agency_id")`);
    await q.query(`
      CREATE TABLE "webhook_delivery" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "notification_id" uuid NOT NULL,
        "webhook_id" uuid NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "lease_until" timestamptz,
        "last_status" integer,
        "last_error" text,
        "delivered_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_webhook_delivery" PRIMARY KEY ("id"),
        CONSTRAINT "FK_webhook_delivery_notification" FOREIGN KEY ("notification_id") REFERENCES "notification"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_webhook_delivery_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE RESTRICT,
        CONSTRAINT "webhook_delivery_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'))
      )`);
    await q.query(
      `CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE "status" = 'pending'`,
    );

    // Bundles proposed by legal staff, to replay past decisions under before anything changes.
    await q.query(`
      CREATE TABLE "policy_proposal" (
        "hash" text NOT NULL,
        "content" jsonb NOT NULL,
        "uploaded_by_agency_id" uuid NOT NULL,
        "uploaded_by_subject" text NOT NULL,
        "uploaded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_policy_proposal" PRIMARY KEY ("hash")
      )`);
    await q.query(`CREATE TRIGGER "policy_proposal_no_update_delete" BEFORE UPDATE OR DELETE ON "policy_proposal"
                   FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);

    // Retention (DESIGN §4): content goes, the fact that it existed and was purged stays.
    await q.query(`ALTER TABLE "information_item" ADD "purged_at" timestamptz`);
    await q.query(`ALTER TABLE "consent" ADD "ended_at" timestamptz`);

    await q.query(
      `GRANT SELECT, INSERT ON "review", "review_comment", "notice", "notice_event", "risk_change", "notification", "webhook", "webhook_delivery", "policy_proposal" TO filet_app`,
    );
    await q.query(`GRANT USAGE ON SEQUENCE "notice_event_id_seq" TO filet_app`);
    await q.query(
      `GRANT UPDATE ("status", "outcome", "outcome_reasons", "remediation", "decided_by_agency_id", "decided_by_subject", "decided_at") ON "review" TO filet_app`,
    );
    await q.query(`GRANT UPDATE ("status", "updated_at") ON "notice" TO filet_app`);
    await q.query(
      `GRANT UPDATE ("summary", "contact_point", "purged_at") ON "risk_change" TO filet_app`,
    );
    await q.query(
      `GRANT UPDATE ("escalated_at", "acknowledged_at", "acknowledged_by", "payload", "purged_at") ON "notification" TO filet_app`,
    );
    await q.query(`GRANT UPDATE ("status", "disabled_at") ON "webhook" TO filet_app`);
    await q.query(
      `GRANT UPDATE ("status", "attempts", "next_attempt_at", "lease_until", "last_status", "last_error", "delivered_at") ON "webhook_delivery" TO filet_app`,
    );
    await q.query(`GRANT UPDATE ("purged_at") ON "information_item" TO filet_app`);
    await q.query(`GRANT UPDATE ("ended_at") ON "consent" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "consent" DROP COLUMN "ended_at"`);
    await q.query(`ALTER TABLE "information_item" DROP COLUMN "purged_at"`);
    await q.query(`DROP TABLE "policy_proposal"`);
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP TABLE "webhook"`);
    await q.query(`DROP TABLE "notification"`);
    await q.query(`DROP TABLE "risk_change"`);
    await q.query(`DROP TABLE "notice_event"`);
    await q.query(`DROP TABLE "notice"`);
    await q.query(`DROP TABLE "review_comment"`);
    await q.query(`DROP TABLE "review"`);
    await q.query(`DROP FUNCTION "review_decided_is_final"()`);
  }
}
