import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inter-agency information-sharing agreements (DESIGN §2; Quebec s.68, R-22.1 s.84): a stable
 * agreement and its numbered versions, each with its parties (and their signatures) and its flows
 * of categories per direction.
 *
 * What the broker's role may change is written into its privileges: a version's content, its
 * parties and its flows can only be inserted, never updated or deleted (a change is a new version);
 * the role may update only a version's lifecycle columns and a party's signature, which a trigger
 * makes final once given. Agreements are never deleted: they are the legal authority for past
 * disclosures.
 */
export class Agreements1763971200000 implements MigrationInterface {
  name = 'Agreements1763971200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "agreement" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_agreement" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "agreement_version" (
        "agreement_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "status" text NOT NULL,
        "purposes" text array NOT NULL,
        "transmission_terms" text NOT NULL,
        "security_measures" text NOT NULL,
        "frequency" text NOT NULL,
        "effective_from" timestamptz NOT NULL,
        "effective_to" timestamptz,
        "onward_disclosure_prohibited" boolean NOT NULL,
        "retention_days" integer NOT NULL,
        "breach_contact" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "created_by_agency_id" uuid NOT NULL,
        "activated_at" timestamptz,
        "ended_at" timestamptz,
        "end_reason" text,
        "ended_by_agency_id" uuid,
        CONSTRAINT "PK_agreement_version" PRIMARY KEY ("agreement_id", "version"),
        CONSTRAINT "FK_agreement_version_agreement" FOREIGN KEY ("agreement_id") REFERENCES "agreement"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_agreement_version_created_by" FOREIGN KEY ("created_by_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_agreement_version_ended_by" FOREIGN KEY ("ended_by_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "agreement_version_status_check" CHECK ("status" IN ('draft', 'active', 'suspended', 'terminated', 'superseded', 'withdrawn')),
        CONSTRAINT "agreement_version_frequency_check" CHECK ("frequency" IN ('one_off', 'as_needed', 'periodic')),
        CONSTRAINT "agreement_version_term_check" CHECK ("effective_to" IS NULL OR "effective_to" > "effective_from"),
        CONSTRAINT "agreement_version_retention_check" CHECK ("retention_days" BETWEEN 1 AND 3650),
        CONSTRAINT "agreement_version_number_check" CHECK ("version" >= 1)
      )`);
    // At most one draft awaiting signatures, and at most one version in force or suspended.
    await q.query(
      `CREATE UNIQUE INDEX "agreement_version_one_draft" ON "agreement_version" ("agreement_id") WHERE "status" = 'draft'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "agreement_version_one_current" ON "agreement_version" ("agreement_id") WHERE "status" IN ('active', 'suspended')`,
    );
    await q.query(`
      CREATE TABLE "agreement_party" (
        "agreement_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "agency_id" uuid NOT NULL,
        "position" smallint NOT NULL,
        "signed_by" text,
        "signed_at" timestamptz,
        CONSTRAINT "PK_agreement_party" PRIMARY KEY ("agreement_id", "version", "agency_id"),
        CONSTRAINT "FK_agreement_party_version" FOREIGN KEY ("agreement_id", "version") REFERENCES "agreement_version"("agreement_id", "version") ON DELETE RESTRICT,
        CONSTRAINT "FK_agreement_party_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "agreement_party_signature_check" CHECK (("signed_at" IS NULL) = ("signed_by" IS NULL))
      )`);
    await q.query(`CREATE INDEX "agreement_party_agency_idx" ON "agreement_party" ("agency_id")`);
    // A flow runs from one party of the version to another: both ends reference its party rows.
    await q.query(`
      CREATE TABLE "agreement_flow" (
        "agreement_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "from_agency_id" uuid NOT NULL,
        "to_agency_id" uuid NOT NULL,
        "position" smallint NOT NULL,
        "categories" text array NOT NULL,
        CONSTRAINT "PK_agreement_flow" PRIMARY KEY ("agreement_id", "version", "from_agency_id", "to_agency_id"),
        CONSTRAINT "FK_agreement_flow_from_party" FOREIGN KEY ("agreement_id", "version", "from_agency_id") REFERENCES "agreement_party"("agreement_id", "version", "agency_id") ON DELETE RESTRICT,
        CONSTRAINT "FK_agreement_flow_to_party" FOREIGN KEY ("agreement_id", "version", "to_agency_id") REFERENCES "agreement_party"("agreement_id", "version", "agency_id") ON DELETE RESTRICT,
        CONSTRAINT "agreement_flow_direction_check" CHECK ("from_agency_id" <> "to_agency_id")
      )`);

    // A signature, once given, is final: not re-signed, not withdrawn (a change is a new version).
    await q.query(`
      CREATE FUNCTION "agreement_signature_final"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD."signed_at" IS NOT NULL THEN
          RAISE EXCEPTION 'agreement signature is final: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER "agreement_party_signature_final" BEFORE UPDATE ON "agreement_party"
                   FOR EACH ROW EXECUTE FUNCTION "agreement_signature_final"()`);

    await q.query(
      `GRANT SELECT, INSERT ON "agreement", "agreement_version", "agreement_party", "agreement_flow" TO filet_app`,
    );
    // Column grants: the lock-and-touch of an agreement, a version's lifecycle, a party's signature.
    await q.query(`GRANT UPDATE ("updated_at") ON "agreement" TO filet_app`);
    await q.query(
      `GRANT UPDATE ("status", "activated_at", "ended_at", "end_reason", "ended_by_agency_id") ON "agreement_version" TO filet_app`,
    );
    await q.query(`GRANT UPDATE ("signed_by", "signed_at") ON "agreement_party" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['agreement_flow', 'agreement_party', 'agreement_version', 'agreement']) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP FUNCTION "agreement_signature_final"()`);
  }
}
