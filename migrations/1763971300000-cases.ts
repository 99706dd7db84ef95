import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases (DESIGN §2): the case with its stage and threshold decision, its risk assessments, its
 * pseudonymous persons, its assigned agencies and each user's side. No name anywhere. Assessments
 * and persons are append-only for the broker's role; an assignment can be withdrawn (deleted), its
 * history being in the audit log.
 */
export class Cases1763971300000 implements MigrationInterface {
  name = 'Cases1763971300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "case_file" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "referring_agency_id" uuid NOT NULL,
        "referred_by" text NOT NULL,
        "reason" text NOT NULL,
        "incident_date" date NOT NULL,
        "stage" text NOT NULL,
        "threshold_rule" text,
        "threshold_assessment_ids" uuid array NOT NULL DEFAULT '{}',
        "threshold_values" jsonb,
        "threshold_policy_hash" text,
        "threshold_decided_at" timestamptz,
        "closed_reason" text,
        "closed_from_stage" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "PK_case_file" PRIMARY KEY ("id"),
        CONSTRAINT "FK_case_file_agency" FOREIGN KEY ("referring_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "case_file_stage_check" CHECK ("stage" IN ('deidentified', 'high_risk_confirmed', 'active', 'closed')),
        CONSTRAINT "case_file_threshold_rule_check" CHECK ("threshold_rule" IN ('tool_threshold', 'professional_judgement', 'not_met')),
        CONSTRAINT "case_file_closed_check" CHECK (("stage" = 'closed') = ("closed_reason" IS NOT NULL AND "closed_from_stage" IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX "case_file_referring_agency_idx" ON "case_file" ("referring_agency_id")`,
    );
    await q.query(`
      CREATE TABLE "case_risk_assessment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "tool" text NOT NULL,
        "score" integer,
        "requested_level" text,
        "reasons" text,
        "assessor_agency_id" uuid NOT NULL,
        "assessor_subject" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_case_risk_assessment" PRIMARY KEY ("id"),
        CONSTRAINT "FK_case_risk_assessment_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "case_risk_assessment_tool_check" CHECK ("tool" IN ('odara', 'danger_assessment', 'dash', 'professional_judgement')),
        CONSTRAINT "case_risk_assessment_shape_check" CHECK (
          ("tool" = 'professional_judgement' AND "score" IS NULL AND "reasons" IS NOT NULL AND "requested_level" IN ('high_risk', 'not_high_risk'))
          OR ("tool" <> 'professional_judgement' AND "reasons" IS NULL AND "requested_level" IS NULL AND "score" >= 0))
      )`);
    await q.query(
      `CREATE INDEX "case_risk_assessment_case_idx" ON "case_risk_assessment" ("case_id")`,
    );
    await q.query(`
      CREATE TABLE "case_person" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "role" text NOT NULL,
        "capacity" text NOT NULL,
        "minor" boolean NOT NULL,
        "added_by_agency_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_case_person" PRIMARY KEY ("id"),
        CONSTRAINT "FK_case_person_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "case_person_role_check" CHECK ("role" IN ('victim', 'child', 'perpetrator', 'other_at_risk')),
        CONSTRAINT "case_person_capacity_check" CHECK ("capacity" IN ('capable', 'lacks_capacity', 'unknown'))
      )`);
    await q.query(`CREATE INDEX "case_person_case_idx" ON "case_person" ("case_id")`);
    await q.query(`
      CREATE TABLE "case_assignment" (
        "case_id" uuid NOT NULL,
        "agency_id" uuid NOT NULL,
        "assigned_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_case_assignment" PRIMARY KEY ("case_id", "agency_id"),
        CONSTRAINT "FK_case_assignment_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_case_assignment_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "case_assignment_agency_idx" ON "case_assignment" ("agency_id")`);
    await q.query(`
      CREATE TABLE "case_user_assignment" (
        "case_id" uuid NOT NULL,
        "agency_id" uuid NOT NULL,
        "subject" text NOT NULL,
        "side" text NOT NULL,
        "assigned_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_case_user_assignment" PRIMARY KEY ("case_id", "agency_id", "subject"),
        CONSTRAINT "FK_case_user_assignment_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "case_user_assignment_side_check" CHECK ("side" IN ('victim', 'perpetrator'))
      )`);

    // A case changes only in its stage and threshold decision; who referred it, why and when, never.
    await q.query(`GRANT SELECT, INSERT ON "case_file" TO filet_app`);
    await q.query(`GRANT UPDATE ("stage", "threshold_rule", "threshold_assessment_ids", "threshold_values",
                                 "threshold_policy_hash", "threshold_decided_at", "closed_reason",
                                 "closed_from_stage", "updated_at", "version") ON "case_file" TO filet_app`);
    await q.query(
      `GRANT SELECT, INSERT ON "case_risk_assessment", "case_person", "case_user_assignment" TO filet_app`,
    );
    await q.query(`GRANT SELECT, INSERT, DELETE ON "case_assignment" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'case_user_assignment',
      'case_assignment',
      'case_person',
      'case_risk_assessment',
      'case_file',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}
