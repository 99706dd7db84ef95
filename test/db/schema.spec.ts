import { GIN_INDEXES, schemaDrift } from '../../src/common/db/schema-drift.js';
import { createDataSource } from '../../src/database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('schema discipline', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('the migrated schema is exactly what the entities describe (no drift either way)', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      expect(await schemaDrift(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('detects drift: a column the entities expect but no migration created', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      await dataSource.query('ALTER TABLE agency DROP COLUMN jurisdiction');
      const drift = await schemaDrift(dataSource);
      expect(drift.some((q) => q.includes('"jurisdiction"'))).toBe(true);
    } finally {
      await dataSource.destroy();
    }
  });

  it('the array indexes TypeORM cannot describe exist, as GIN indexes', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const rows: { indexname: string; indexdef: string }[] = await dataSource.query(
        'SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY($1)',
        [GIN_INDEXES],
      );
      expect(rows.map((r) => r.indexname).sort()).toEqual([...GIN_INDEXES].sort());
      for (const row of rows) expect(row.indexdef).toContain('USING gin');
    } finally {
      await dataSource.destroy();
    }
  });

  // A migration that adds a table must say what the broker's role may do with it.
  it("the broker's role has exactly the privileges its tables call for", async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const rows: { table: string; privileges: string }[] = await dataSource.query(`
        SELECT c.relname AS table,
               concat_ws(',', CASE WHEN has_table_privilege('filet_app', c.oid, 'SELECT') THEN 'SELECT' END,
                              CASE WHEN has_table_privilege('filet_app', c.oid, 'INSERT') THEN 'INSERT' END,
                              CASE WHEN has_table_privilege('filet_app', c.oid, 'UPDATE') THEN 'UPDATE' END,
                              CASE WHEN has_table_privilege('filet_app', c.oid, 'DELETE') THEN 'DELETE' END,
                              CASE WHEN has_table_privilege('filet_app', c.oid, 'TRUNCATE') THEN 'TRUNCATE' END) AS privileges
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`);
      expect(Object.fromEntries(rows.map((r) => [r.table, r.privileges]))).toEqual({
        agency: 'SELECT,INSERT,UPDATE,DELETE',
        agency_key: 'SELECT,INSERT,UPDATE,DELETE',
        // Column-level UPDATE only (lifecycle, signatures, lock-and-touch): not a table privilege.
        agreement: 'SELECT,INSERT',
        agreement_flow: 'SELECT,INSERT',
        agreement_party: 'SELECT,INSERT',
        agreement_version: 'SELECT,INSERT',
        audit_checkpoint: 'SELECT,INSERT',
        decision: 'SELECT,INSERT',
        decision_approval: 'SELECT,INSERT,UPDATE',
        audit_head: 'SELECT,UPDATE',
        audit_hold: 'SELECT,INSERT,UPDATE',
        audit_node: 'SELECT,INSERT',
        audit_pending: 'SELECT,INSERT,DELETE',
        audit_record: 'SELECT,INSERT',
        case_assignment: 'SELECT,INSERT,DELETE',
        // Column-level UPDATE only (stage and threshold decision): not a table privilege.
        case_file: 'SELECT,INSERT',
        case_person: 'SELECT,INSERT',
        case_risk_assessment: 'SELECT,INSERT',
        case_user_assignment: 'SELECT,INSERT',
        // Versions append-only; only the current-version pointer may change (column-level UPDATE).
        // Sign-ins in flight and console sessions: column-level UPDATE (last seen, ended) only.
        console_login: 'SELECT,INSERT,DELETE',
        console_session: 'SELECT,INSERT,DELETE',
        consent: 'SELECT,INSERT',
        consent_version: 'SELECT,INSERT',
        // Deletable at minimisation and end of retention; a version is never updated.
        information_item: 'SELECT,INSERT,DELETE',
        information_item_version: 'SELECT,INSERT,DELETE',
        // Column-level UPDATE only (state, acknowledgement, escalation, delivery, purge) on these.
        notice: 'SELECT,INSERT',
        notice_event: 'SELECT,INSERT',
        notification: 'SELECT,INSERT',
        policy_bundle: 'SELECT,INSERT',
        policy_proposal: 'SELECT,INSERT',
        review: 'SELECT,INSERT',
        review_comment: 'SELECT,INSERT',
        risk_change: 'SELECT,INSERT',
        schema_migration: 'SELECT',
        token_use: 'SELECT,INSERT,UPDATE,DELETE',
        webhook: 'SELECT,INSERT',
        webhook_delivery: 'SELECT,INSERT',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('synchronize is never on', () => {
    const dataSource = createDataSource({ url: database.url });
    expect(dataSource.options.synchronize).toBe(false);
    expect(dataSource.options.migrationsRun).toBe(false);
  });
});
