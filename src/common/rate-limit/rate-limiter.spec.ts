import { clientAddressKey, RateLimiter } from './rate-limiter.js';

function limiter(perMinute: number, burst: number, maxKeys?: number) {
  const clock = { now: 1_000_000 };
  return { clock, limiter: new RateLimiter({ perMinute, burst, maxKeys, now: () => clock.now }) };
}

describe('RateLimiter', () => {
  it('allows the burst, then refuses with the seconds until the next request is allowed', () => {
    const { limiter: l } = limiter(60, 3);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusal: true });
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusal: false });
  });

  it('refills at the sustained rate, never above the burst', () => {
    const { clock, limiter: l } = limiter(6, 2); // one request every 10 s
    l.take('a');
    l.take('a');
    expect(l.take('a')).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    clock.now += 4_000;
    expect(l.take('a')).toMatchObject({ allowed: false, retryAfterSeconds: 6 });
    clock.now += 6_000;
    expect(l.take('a')).toEqual({ allowed: true });
    // A long pause refills the burst, not more.
    clock.now += 3_600_000;
    expect([l.take('a'), l.take('a'), l.take('a')].map((v) => v.allowed)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('a new refusal episode after an allowed request is a first refusal again', () => {
    const { clock, limiter: l } = limiter(60, 1);
    l.take('a');
    expect(l.take('a')).toMatchObject({ firstRefusal: true });
    expect(l.take('a')).toMatchObject({ firstRefusal: false });
    clock.now += 1_000;
    expect(l.take('a')).toEqual({ allowed: true });
    expect(l.take('a')).toMatchObject({ firstRefusal: true });
  });

  it('keeps one allowance per key', () => {
    const { limiter: l } = limiter(60, 1);
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('a').allowed).toBe(false);
    expect(l.take('b').allowed).toBe(true);
  });

  it('is off at 0 per minute', () => {
    const { limiter: l } = limiter(0, 1);
    expect(l.enabled).toBe(false);
    for (let i = 0; i < 1000; i++) expect(l.take('a').allowed).toBe(true);
  });

  it('stays bounded: forgets idle keys first, then the least recently used', () => {
    const { clock, limiter: l } = limiter(60, 2, 3);
    l.take('spent');
    l.take('spent');
    l.take('idle');
    clock.now += 1_000; // `idle` is full again; `spent` is not
    l.take('x');
    l.take('y'); // four keys: `idle` goes, as forgetting a full bucket changes nothing
    expect(l.take('spent')).toMatchObject({ allowed: true });
    expect(l.take('spent')).toMatchObject({ allowed: false });
    for (const key of ['p', 'q', 'r', 's']) l.take(key);
    // `spent` was used before p, q, r, s: dropped as least recently used, it starts full again.
    expect(l.take('spent')).toEqual({ allowed: true });
  });
});

describe('clientAddressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });
});
