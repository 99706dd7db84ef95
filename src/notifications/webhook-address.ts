import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may point (OWASP API7, server-side request forgery): https, no credentials, and
 * never the broker's own host, loopback, private, link-local, shared or multicast ranges, where a
 * registered URL would turn the broker into a probe of its own network.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  // Unspecified, loopback and IPv4-compatible (::a.b.c.d).
  ['::', 96],
  // NAT64, discard-only, Teredo, documentation, 6to4: each can reach an IPv4 or nothing real.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** An IPv4-mapped IPv6 address (`::ffff:7f00:1`, `::ffff:127.0.0.1`) as the IPv4 it reaches. */
function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2], 16);
  const low = parseInt(match[3], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isForbiddenAddress(address: string): boolean {
  const mapped = mappedIpv4(address);
  if (mapped) return isForbiddenAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  // Checked in its own family only: Node matches IPv4 addresses against IPv4-mapped IPv6 rules.
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a URL cannot be a webhook, or undefined when it can. `allowPrivate` is for demo and tests. */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'notAUrl';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'httpsOnly';
  if (url.username || url.password) return 'noCredentials';
  if (url.hash) return 'noFragment';
  if (allowPrivate) return undefined;
  const host = hostOf(url);
  if (isIP(host) !== 0) return isForbiddenAddress(host) ? 'publicAddressOnly' : undefined;
  if (LOCAL_NAMES.test(host) || !host.includes('.')) return 'publicAddressOnly';
  return undefined;
}

/** The URL's host as an address or a name, brackets and a final dot removed. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDEN';
}

/**
 * The `lookup` a delivery connects with: the name is resolved once, every answer checked, and the
 * connection made to a checked address — no second resolution for a rebinding name to change.
 */
export function guardedLookup(
  hostname: string,
  options: LookupOptions,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as unknown as LookupAddress[];
    if (list.length === 0 || list.some((a) => isForbiddenAddress(a.address)))
      return callback(new ForbiddenAddressError('forbidden address'), []);
    if (options.all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
}
