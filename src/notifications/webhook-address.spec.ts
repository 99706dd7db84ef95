import type { LookupAddress } from 'node:dns';
import {
  ForbiddenAddressError,
  guardedLookup,
  isForbiddenAddress,
  webhookUrlProblem,
} from './webhook-address.js';

describe('where a webhook may point', () => {
  it('accepts https to a public name or address', () => {
    expect(webhookUrlProblem('https://hooks.example.org/filet?x=1', false)).toBeUndefined();
    expect(webhookUrlProblem('https://203.0.113.10:8443/filet', false)).toBeUndefined();
    expect(webhookUrlProblem('https://[2606:4700:4700::1111]/filet', false)).toBeUndefined();
  });

  it.each([
    ['http://hooks.example.org/filet', 'httpsOnly'],
    ['ftp://hooks.example.org/filet', 'httpsOnly'],
    ['https://user:pw@hooks.example.org/filet', 'noCredentials'],
    ['https://hooks.example.org/filet#frag', 'noFragment'],
    ['https://127.0.0.1/filet', 'publicAddressOnly'],
    ['https://10.0.0.8/filet', 'publicAddressOnly'],
    ['https://172.20.1.1/filet', 'publicAddressOnly'],
    ['https://192.168.1.1/filet', 'publicAddressOnly'],
    ['https://169.254.169.254/latest/meta-data', 'publicAddressOnly'],
    ['https://100.64.0.1/filet', 'publicAddressOnly'],
    ['https://0.0.0.0/filet', 'publicAddressOnly'],
    ['https://[::1]/filet', 'publicAddressOnly'],
    ['https://[fd00::1]/filet', 'publicAddressOnly'],
    ['https://[fe80::1]/filet', 'publicAddressOnly'],
    ['https://[::ffff:127.0.0.1]/filet', 'publicAddressOnly'],
    ['https://localhost/filet', 'publicAddressOnly'],
    ['https://localhost./filet', 'publicAddressOnly'],
    ['https://[::127.0.0.1]/filet', 'publicAddressOnly'],
    ['https://[64:ff9b:1::a00:1]/filet', 'publicAddressOnly'],
    ['https://[2002:7f00:1::]/filet', 'publicAddressOnly'],
    ['https://[2001:0:4136:e378::1]/filet', 'publicAddressOnly'],
    ['https://[100::1]/filet', 'publicAddressOnly'],
    ['https://[2001:db8::1]/filet', 'publicAddressOnly'],
    ['https://broker.internal/filet', 'publicAddressOnly'],
    ['https://intranet/filet', 'publicAddressOnly'],
    ['not a url', 'notAUrl'],
  ])('refuses %s (%s)', (url, problem) => {
    expect(webhookUrlProblem(url, false)).toBe(problem);
  });

  it('allows plain http and private addresses only when the demo allows them', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('ftp://127.0.0.1/hook', true)).toBe('httpsOnly');
  });

  it('at delivery, resolves once and refuses a name that leads to a forbidden address', async () => {
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('127.0.0.53')).toBe(true);
    const resolve = (name: string, all: boolean) =>
      new Promise<{ error: Error | null; address: string | LookupAddress[] }>((done) =>
        guardedLookup(name, { all }, (error, address) => done({ error, address })),
      );
    for (const all of [false, true]) {
      const local = await resolve('localhost', all);
      expect(local.error).toBeInstanceOf(ForbiddenAddressError);
    }
  });
});
