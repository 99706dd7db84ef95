import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agencies, their public keys, and the single-use token register (issue: foundation). */
export class Foundation1763712000000 implements MigrationInterface {
  name = 'Foundation1763712000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "agency" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code" text NOT NULL,
        "name_fr" text NOT NULL,
        "name_en" text NOT NULL,
        "sector" text NOT NULL,
        "jurisdiction" text NOT NULL,
        "privacy_regime" text NOT NULL,
        "allowed_roles" text array NOT NULL,
        "status" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "PK_agency" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_agency_code" UNIQUE ("code"),
        CONSTRAINT "agency_status_check" CHECK ("status" IN ('active', 'suspended'))
      )`);
    await q.query(`
      CREATE TABLE "agency_key" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agency_id" uuid NOT NULL,
        "kid" text NOT NULL,
        "alg" text NOT NULL,
        "public_jwk" jsonb NOT NULL,
        "status" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz,
        CONSTRAINT "PK_agency_key" PRIMARY KEY ("id"),
        CONSTRAINT "FK_agency_key_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT,
        CONSTRAINT "agency_key_status_check" CHECK ("status" IN ('active', 'revoked')),
        CONSTRAINT "agency_key_alg_check" CHECK ("alg" IN ('ES256', 'EdDSA'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "agency_key_agency_kid_unique" ON "agency_key" ("agency_id", "kid")`,
    );
    await q.query(`
      CREATE TABLE "token_use" (
        "agency_id" uuid NOT NULL,
        "jti" text NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_token_use" PRIMARY KEY ("agency_id", "jti")
      )`);
    await q.query(`CREATE INDEX "token_use_expires_at_idx" ON "token_use" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "token_use"`);
    await q.query(`DROP TABLE "agency_key"`);
    await q.query(`DROP TABLE "agency"`);
  }
}
