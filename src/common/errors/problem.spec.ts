import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { toProblem } from './problem.js';

const context = { language: 'en' as const, requestId: 'req-00000001', instance: '/v1/disclosures' };

/**
 * When PostgreSQL goes away in the middle of a transaction, TypeORM releases the transaction's query
 * runner on the connection's error event, and the transaction's next statement throws one of its
 * "already released" errors instead of the driver's: that is the database being unavailable (503,
 * nothing disclosed), not an internal error. Seen in test/e2e/crash.e2e-spec.ts (PostgreSQL stopped
 * under load).
 */
describe('toProblem: the database gone in the middle of a transaction', () => {
  it.each([
    ['QueryRunnerProviderAlreadyReleasedError', new QueryRunnerProviderAlreadyReleasedError()],
    ['QueryRunnerAlreadyReleasedError', new QueryRunnerAlreadyReleasedError()],
  ])('%s answers 503 service.unavailable with a Retry-After', (_name, error) => {
    const problem = toProblem(error, context);
    expect({
      status: problem.status,
      code: problem.body.code,
      retryAfter: problem.headers['retry-after'],
    }).toEqual({ status: 503, code: 'service.unavailable', retryAfter: '2' });
  });

  it.each([
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'database "filet" is not currently accepting connections',
  ])('the pool saying "%s" answers 503 too', (message) => {
    const problem = toProblem(new Error(message), context);
    expect({ status: problem.status, code: problem.body.code }).toEqual({
      status: 503,
      code: 'service.unavailable',
    });
  });

  it('any other unknown error is still an internal error that reveals nothing', () => {
    const problem = toProblem(new Error('released something else'), context);
    expect({ status: problem.status, code: problem.body.code }).toEqual({
      status: 500,
      code: 'internal',
    });
    expect(JSON.stringify(problem.body)).not.toContain('released something else');
  });
});
