import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Personal data a careless broker could leak into its logs through bodies, queries or headers.
const PERSONAL = ['Marie-Ève Tremblay', '1234 rue des Érables', '514-555-0199', 'H2X 1Y4'];

describe('logs', () => {
  const lines: string[] = [];
  let app: TestApp;
  let admin: TestAgency;

  beforeAll(async () => {
    app = await startTestApp({}, { logLines: lines });
    admin = await createAgency(app.dataSource, { sector: 'coordination' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('are structured JSON with the request id, and carry no personal data whatever the client sends', async () => {
    const [name, address, phone, postal] = PERSONAL;
    const responses = [
      await app.request('POST', '/v1/agencies', {
        token: await admin.token(['admin']),
        body: { code: 'x', names: { fr: name, en: address }, victim: phone, sector: postal },
        headers: { 'x-victim-name': name },
      }),
      await app.request(
        'GET',
        `/v1/agencies?person=${encodeURIComponent(name)}&addr=${encodeURIComponent(address)}`,
        {
          token: await admin.token(),
        },
      ),
      await app.request('GET', `/v1/agencies/${encodeURIComponent(phone)}`, {
        token: await admin.token(),
      }),
      await app.request('POST', '/v1/agencies', {
        rawBody: `{"names": "${name}`,
        headers: { 'content-type': 'application/json' },
      }),
      await app.request('GET', '/health', { headers: { 'x-request-id': name } }),
      await app.request('GET', '/v1/agencies', { headers: { authorization: `Bearer ${address}` } }),
    ];
    // Malformed JSON is refused while parsing, before authentication: 400, not 401.
    expect(responses.map((r) => r.status)).toEqual([400, 200, 404, 400, 200, 401]);
    // Give the asynchronous logger a moment to flush.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const requestLines = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'request');
    expect(requestLines).toHaveLength(responses.length);
    for (const [i, line] of requestLines.entries()) {
      expect(line.requestId).toBe(responses[i].headers.get('x-request-id'));
      expect(line.status).toBe(responses[i].status);
    }
    const all = lines.join('\n');
    for (const secret of PERSONAL) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(encodeURIComponent(secret));
    }
  });
});
