import { startTestApp, type TestApp } from '../support/test-app.js';

describe('health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers alive without a token, with a request id', async () => {
    const res = await app.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is ready when the database is reachable and every migration is applied', async () => {
    const res = await app.request('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: {
        database: 'ok',
        migrations: 'ok',
        policyBundle: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  it('keeps a well-formed request id given by the caller', async () => {
    const res = await app.request('GET', '/health', {
      headers: { 'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736' },
    });
    expect(res.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
