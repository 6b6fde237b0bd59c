import { isIP } from 'node:net';
import { CacheConfigError } from '@cachet/core';

/** How many leading bits of an IPv6 address name one client; `false` (or 128) keeps every address apart. */
export type Ipv6Subnet = number | false;

/** The default: one /64, the smallest network a provider hands a subscriber (RFC 6177). */
export const DEFAULT_IPV6_SUBNET = 64;

/** Checks `rateLimit.ipv6Subnet` once, at bootstrap; answers the prefix length to keep (128: the whole address). */
export function resolveIpv6Subnet(value: unknown): number {
  if (value === undefined) return DEFAULT_IPV6_SUBNET;
  if (value === false) return 128;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 128) {
    throw new CacheConfigError('rateLimit.ipv6Subnet', value, 'a prefix length from 1 to 128, or false');
  }
  return value;
}

/**
 * The client an address stands for: an IPv4 address as is (an IPv4-mapped
 * IPv6 address as its IPv4 address), an IPv6 address as its network of
 * `prefix` bits in canonical form (`2001:db8:1:2::/64`), so a subscriber who
 * owns a whole /64 cannot take a fresh quota with each of its 2^64 addresses.
 * Anything that is not an address is returned unchanged.
 */
export function clientSubnet(address: string, prefix: number): string {
  if (isIP(address) !== 6) return address;
  const groups = parseIpv6(address);
  if (groups === undefined) return address;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  if (prefix >= 128) return formatIpv6(groups);
  const masked = groups.map((group, index) => {
    const keep = Math.min(Math.max(prefix - index * 16, 0), 16);
    return keep === 0 ? 0 : group & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${formatIpv6(masked)}/${prefix}`;
}

/** Eight 16-bit groups of an address `isIP` accepted as IPv6 (zone index dropped, dotted tail included). */
function parseIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A dotted tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two groups.
    const [a = 0, b = 0, c = 0, d = 0] = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right].map((group) =>
    parseInt(group, 16),
  );
  return groups.length === 8 && groups.every((group) => group >= 0 && group <= 0xffff) ? groups : undefined;
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8;) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
