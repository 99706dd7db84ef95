import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's sign-ins (DESIGN §1): a sign-in waiting for the agency's identity provider to
 * answer (state, nonce and PKCE verifier, for ten minutes), and the sessions of signed-in staff.
 * Only hashes of the browser's secrets are kept: a copy of the table signs no one in.
 */
export class Console1764144000000 implements MigrationInterface {
  name = 'Console1764144000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "console_login" (
        "state_hash" bytea NOT NULL,
        "agency_id" uuid NOT NULL,
        "code_verifier" text NOT NULL,
        "nonce" text NOT NULL,
        "return_to" text NOT NULL,
        "language" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_console_login" PRIMARY KEY ("state_hash"),
        CONSTRAINT "FK_console_login_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE "console_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "secret_hash" bytea NOT NULL,
        "agency_id" uuid NOT NULL,
        "subject" text NOT NULL,
        "display_name" text,
        "roles" text array NOT NULL,
        "csrf_token" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "ended_at" timestamptz,
        CONSTRAINT "PK_console_session" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_console_session_secret" UNIQUE ("secret_hash"),
        CONSTRAINT "FK_console_session_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "console_session_expiry" ON "console_session" ("expires_at")`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON "console_login" TO filet_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON "console_session" TO filet_app`);
    await q.query(`GRANT UPDATE ("last_seen_at", "ended_at") ON "console_session" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "console_session"`);
    await q.query(`DROP TABLE "console_login"`);
  }
}
