import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Information items (DESIGN §2): the item row names its holder, person, category and current version;
 * the versions hold the fields, labels, retention and exclusion. A correction is a new version: the
 * broker's role may not UPDATE a version, only insert one. It may DELETE items and versions, which
 * minimisation (a case closed below the threshold) and the end of retention require.
 */
export class InformationItems1763971500000 implements MigrationInterface {
  name = 'InformationItems1763971500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "information_item" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "person_id" uuid NOT NULL,
        "holder_agency_id" uuid NOT NULL,
        "category" text NOT NULL,
        "current_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_information_item" PRIMARY KEY ("id"),
        CONSTRAINT "FK_information_item_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_information_item_person" FOREIGN KEY ("person_id") REFERENCES "case_person"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_information_item_holder" FOREIGN KEY ("holder_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE INDEX "information_item_case_holder_idx" ON "information_item" ("case_id", "holder_agency_id")`,
    );
    await q.query(
      `CREATE INDEX "information_item_person_category_idx" ON "information_item" ("person_id", "category")`,
    );
    await q.query(`
      CREATE TABLE "information_item_version" (
        "item_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "fields" jsonb NOT NULL,
        "sensitivity" text array NOT NULL,
        "retain_until" date NOT NULL,
        "excluded" boolean NOT NULL,
        "excluded_reason" text,
        "correction_reason" text,
        "recorded_by_subject" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_information_item_version" PRIMARY KEY ("item_id", "version"),
        CONSTRAINT "FK_information_item_version_item" FOREIGN KEY ("item_id") REFERENCES "information_item"("id") ON DELETE RESTRICT,
        CONSTRAINT "information_item_version_excluded_check" CHECK (
          ("excluded" AND "excluded_reason" IN ('endangers_life', 'prejudices_investigation', 'court_order', 'legal_privilege'))
          OR (NOT "excluded" AND "excluded_reason" IS NULL)),
        CONSTRAINT "information_item_version_correction_check" CHECK (("version" = 1) = ("correction_reason" IS NULL))
      )`);

    await q.query(
      `GRANT SELECT, INSERT, DELETE ON "information_item", "information_item_version" TO filet_app`,
    );
    await q.query(`GRANT UPDATE ("current_version") ON "information_item" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "information_item_version"`);
    await q.query(`DROP TABLE "information_item"`);
  }
}
