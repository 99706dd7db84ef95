import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every policy bundle ever loaded, by hash, so a past decision can be replayed under its own rules. */
export class PolicyBundles1763971600000 implements MigrationInterface {
  name = 'PolicyBundles1763971600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "policy_bundle" (
        "hash" text NOT NULL,
        "content" jsonb NOT NULL,
        "first_loaded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_policy_bundle" PRIMARY KEY ("hash")
      )`);
    await q.query(`CREATE TRIGGER "policy_bundle_no_update_delete" BEFORE UPDATE OR DELETE ON "policy_bundle"
                   FOR EACH ROW EXECUTE FUNCTION "audit_reject_change"()`);
    await q.query(`GRANT SELECT, INSERT ON "policy_bundle" TO filet_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "policy_bundle"`);
  }
}
