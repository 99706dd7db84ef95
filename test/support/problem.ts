import type { DataSource } from 'typeorm';
import type { HttpResult } from './test-app.js';

export interface ProblemJson {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly { property: string; constraints: string[] }[];
}

/**
 * Asserts what a client sees of a failure: the status, an RFC 9457 problem of that status with
 * the stable `code`, a title, and the request id that is also in `x-request-id`.
 */
export function expectProblem(res: HttpResult<unknown>, status: number, code: string): ProblemJson {
  const problem = res.body as ProblemJson;
  expect({ status: res.status, code: problem?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(problem).toEqual(
    expect.objectContaining({
      type: `urn:filet:problem:${code}`,
      status,
      code,
      title: expect.any(String),
      requestId: res.headers.get('x-request-id'),
    }),
  );
  expect(problem.title.length).toBeGreaterThan(0);
  return problem;
}

export interface RowCounts {
  readonly agencies: number;
  readonly keys: number;
}

/** Rows of the agency register, read straight from PostgreSQL. */
export async function countRows(dataSource: DataSource): Promise<RowCounts> {
  const [row] = (await dataSource.query(
    `SELECT (SELECT count(*) FROM agency)::int AS agencies,
            (SELECT count(*) FROM agency_key)::int AS keys`,
  )) as RowCounts[];
  return row;
}
