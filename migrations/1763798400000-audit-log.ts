import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (DESIGN §4): records as RFC 6962 leaves, the stored perfect subtree hashes that make
 * proofs O(log n), the tree head (size and right-edge frontier) whose row lock serialises appends,
 * and signed checkpoints. Append-only by trigger for every role, and by privilege for `filet_app`,
 * the role the broker's connections run as.
 */
export class AuditLog1763798400000 implements MigrationInterface {
  name = 'AuditLog1763798400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_record" (
        "seq" bigint NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        "leaf" text NOT NULL,
        "leaf_hash" bytea NOT NULL,
        "action" text NOT NULL,
        "outcome" text NOT NULL,
        "actor_agency_id" uuid,
        "parties" uuid array NOT NULL,
        "case_id" uuid,
        "person_ids" uuid array NOT NULL,
        "basis" text,
        CONSTRAINT "PK_audit_record" PRIMARY KEY ("seq")
      )`);
    await q.query(
      `CREATE INDEX "audit_record_parties_idx" ON "audit_record" USING gin ("parties")`,
    );
    await q.query(
      `CREATE INDEX "audit_record_person_ids_idx" ON "audit_record" USING gin ("person_ids")`,
    );
    await q.query(`CREATE INDEX "audit_record_case_id_idx" ON "audit_record" ("case_id")`);
    await q.query(`CREATE INDEX "audit_record_recorded_at_idx" ON "audit_record" ("recorded_at")`);
    await q.query(`
      CREATE TABLE "audit_node" (
        "level" smallint NOT NULL,
        "idx" bigint NOT NULL,
        "hash" bytea NOT NULL,
        CONSTRAINT "PK_audit_node" PRIMARY KEY ("level", "idx")
      )`);
    await q.query(`
      CREATE TABLE "audit_head" (
        "id" smallint NOT NULL,
        "size" bigint NOT NULL,
        "frontier" bytea array NOT NULL,
        CONSTRAINT "PK_audit_head" PRIMARY KEY ("id"),
        CONSTRAINT "audit_head_single_row" CHECK ("id" = 1)
      )`);
    await q.query(`INSERT INTO "audit_head" ("id", "size", "frontier") VALUES (1, 0, '{}')`);
    await q.query(`
      CREATE TABLE "audit_checkpoint" (
        "tree_size" bigint NOT NULL,
        "root_hash" bytea NOT NULL,
        "issued_at" timestamptz NOT NULL,
        "key_id" text NOT NULL,
        "jws" text NOT NULL,
        CONSTRAINT "PK_audit_checkpoint" PRIMARY KEY ("tree_size")
      )`);

    // Append-only for every role, owner and superuser included (they can still disable the trigger,
    // which is what the Merkle tree and signed checkpoints are for).
    await q.query(`
      CREATE FUNCTION "audit_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_record', 'audit_node', 'audit_checkpoint']) {
      await q.query(`CREATE TRIGGER "${table}_no_update_delete" BEFORE UPDATE OR DELETE ON "${table}"
                     FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);
      await q.query(`CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
                     FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_change"()`);
    }
    await q.query(`CREATE TRIGGER "audit_head_no_delete" BEFORE DELETE ON "audit_head"
                   FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);
    await q.query(`CREATE TRIGGER "audit_head_no_truncate" BEFORE TRUNCATE ON "audit_head"
                   FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_change"()`);

    // The broker's own role: everything it needs, and on the log only INSERT and SELECT.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'filet_app') THEN
          CREATE ROLE filet_app NOLOGIN;
        END IF;
      END $$`);
    await q.query(`GRANT filet_app TO CURRENT_USER`);
    await q.query(`GRANT USAGE ON SCHEMA public TO filet_app`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON "agency", "agency_key", "token_use" TO filet_app`,
    );
    await q.query(`GRANT SELECT ON "schema_migration" TO filet_app`);
    await q.query(
      `GRANT SELECT, INSERT ON "audit_record", "audit_node", "audit_checkpoint" TO filet_app`,
    );
    await q.query(`GRANT SELECT, UPDATE ON "audit_head" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_checkpoint', 'audit_head', 'audit_node', 'audit_record']) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP FUNCTION "audit_reject_change"()`);
    await q.query(
      `REVOKE ALL ON "agency", "agency_key", "token_use", "schema_migration" FROM filet_app`,
    );
  }
}
