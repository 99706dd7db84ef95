import type { DataSource } from 'typeorm';
import type { PerfectNodeReader } from './core/merkle.js';

/**
 * Reads stored tree nodes for proofs: level 0 from the records' leaf hashes, higher levels from
 * `audit_node`. One SQL query per call, whatever the number of nodes asked for.
 */
export function treeReader(dataSource: DataSource): PerfectNodeReader {
  return {
    async nodes(requests) {
      if (requests.length === 0) return [];
      const rows: { ord: number; hash: Buffer }[] = await dataSource.query(
        `SELECT r.ord, COALESCE(a.leaf_hash, n.hash) AS hash
           FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS r(level, idx, ord)
           LEFT JOIN audit_record a ON r.level = 0 AND a.seq = r.idx
           LEFT JOIN audit_node n ON r.level > 0 AND n.level = r.level AND n.idx = r.idx`,
        [requests.map((r) => r.level), requests.map((r) => String(r.index))],
      );
      const byOrdinal = new Map(rows.map((row) => [Number(row.ord), row.hash]));
      return requests.map((request, i) => {
        const hash = byOrdinal.get(i + 1);
        if (!hash)
          throw new Error(`tree node missing: level ${request.level} index ${request.index}`);
        return hash;
      });
    },
  };
}
