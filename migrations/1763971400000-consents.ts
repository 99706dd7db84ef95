import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents (DESIGN §2): the consent row names the person and its current version; the versions hold
 * the scope, period, how obtained, who recorded, and the status. Versions are append-only for the
 * broker's role (INSERT, no UPDATE or DELETE); only the current-version pointer may change.
 */
export class Consents1763971400000 implements MigrationInterface {
  name = 'Consents1763971400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "consent" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "person_id" uuid NOT NULL,
        "current_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_consent" PRIMARY KEY ("id"),
        CONSTRAINT "FK_consent_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_consent_person" FOREIGN KEY ("person_id") REFERENCES "case_person"("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "consent_person_idx" ON "consent" ("person_id")`);
    await q.query(`CREATE INDEX "consent_case_idx" ON "consent" ("case_id")`);
    await q.query(`
      CREATE TABLE "consent_version" (
        "consent_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "status" text NOT NULL,
        "recipient_agency_ids" uuid array NOT NULL,
        "recipient_sectors" text array NOT NULL,
        "categories" text array NOT NULL,
        "purposes" text array NOT NULL,
        "valid_from" timestamptz NOT NULL,
        "valid_until" timestamptz,
        "how_obtained" text NOT NULL,
        "capacity_note" text NOT NULL,
        "recorded_by_agency_id" uuid NOT NULL,
        "recorded_by_subject" text NOT NULL,
        "withdrawn_at" timestamptz,
        "withdrawal_reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_consent_version" PRIMARY KEY ("consent_id", "version"),
        CONSTRAINT "FK_consent_version_consent" FOREIGN KEY ("consent_id") REFERENCES "consent"("id") ON DELETE RESTRICT,
        CONSTRAINT "consent_version_status_check" CHECK ("status" IN ('active', 'withdrawn')),
        CONSTRAINT "consent_version_how_obtained_check" CHECK ("how_obtained" IN ('written', 'verbal', 'in_person')),
        CONSTRAINT "consent_version_capacity_note_check" CHECK ("capacity_note" IN ('capable_presumed', 'capable_assessed', 'representative_lacks_capacity', 'minor_own_consent', 'minor_guardian_consent')),
        CONSTRAINT "consent_version_withdrawn_check" CHECK (("status" = 'withdrawn') = ("withdrawn_at" IS NOT NULL AND "withdrawal_reason" IS NOT NULL)),
        CONSTRAINT "consent_version_period_check" CHECK ("valid_until" IS NULL OR "valid_until" > "valid_from")
      )`);

    await q.query(`GRANT SELECT, INSERT ON "consent", "consent_version" TO filet_app`);
    await q.query(`GRANT UPDATE ("current_version") ON "consent" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "consent_version"`);
    await q.query(`DROP TABLE "consent"`);
  }
}
