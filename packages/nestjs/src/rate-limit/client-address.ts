import { BlockList, isIP } from 'node:net';
import { CacheConfigError } from '@cachet/core';
import { clientSubnet, resolveIpv6Subnet, type Ipv6Subnet } from './client-subnet.js';

/** Whom to believe about the client's address: nobody, everybody, N proxies, or proxies at these addresses/CIDRs. */
export type TrustProxy = boolean | number | string | readonly string[];

/** Named ranges accepted in a trust list, as in Express. */
const PRESETS: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

/**
 * Decides the client address of a request. `X-Forwarded-For` is read only
 * as far as `trustProxy` allows, walking from the socket's peer leftwards, so
 * a client cannot mint fresh identities by sending the header itself. An
 * IPv6 client is its network of `ipv6Subnet` bits (a /64 by default), since
 * one subscriber holds a whole /64 and could otherwise take a quota per address.
 */
export class ClientAddressResolver {
  private readonly mode: 'none' | 'all' | 'hops' | 'list';
  private readonly hops: number = 0;
  private readonly trusted = new BlockList();
  private readonly ipv6Prefix: number;
  private readonly bySocket = new WeakMap<object, string>();

  constructor(trustProxy: TrustProxy = false, ipv6Subnet?: Ipv6Subnet) {
    this.ipv6Prefix = resolveIpv6Subnet(ipv6Subnet);
    if (trustProxy === false || trustProxy === 0) this.mode = 'none';
    else if (trustProxy === true) this.mode = 'all';
    else if (typeof trustProxy === 'number') {
      if (!Number.isInteger(trustProxy) || trustProxy < 0) {
        throw new CacheConfigError('rateLimit.trustProxy', trustProxy, 'a non-negative whole number of proxy hops');
      }
      this.mode = 'hops';
      this.hops = trustProxy;
    } else {
      const entries = typeof trustProxy === 'string' ? trustProxy.split(',') : trustProxy;
      if (!Array.isArray(entries)) {
        throw new CacheConfigError(
          'rateLimit.trustProxy',
          trustProxy,
          "false, true, a hop count, or addresses/CIDRs ('10.0.0.0/8', 'loopback', ...)",
        );
      }
      this.mode = 'list';
      for (const entry of entries) this.trust(String(entry).trim());
    }
  }

  /** The client requests are counted under: an IPv4 address, or an IPv6 network (`2001:db8:1:2::/64`). */
  resolve(request: HttpRequestLike): string {
    // Trusting no proxy, the client is the socket's peer: worked out once per connection, not per request.
    const socket = this.mode === 'none' ? (request.raw ?? request).socket : undefined;
    if (socket?.remoteAddress === undefined) return clientSubnet(this.address(request), this.ipv6Prefix);
    let client = this.bySocket.get(socket);
    if (client === undefined)
      this.bySocket.set(socket, (client = clientSubnet(this.address(request), this.ipv6Prefix)));
    return client;
  }

  /** The client's address, as far as the proxies are trusted. */
  address(request: HttpRequestLike): string {
    const raw = request.raw ?? request;
    const peer = normalize(raw.socket?.remoteAddress ?? request.ip ?? '') || 'unknown';
    if (this.mode === 'none') return peer;
    const header = raw.headers?.['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((part) => normalize(part.trim()))
      .filter((part) => part !== '');
    const chain = [...forwarded, peer];
    let index: number;
    if (this.mode === 'all') index = 0;
    else if (this.mode === 'hops') index = Math.max(chain.length - 1 - this.hops, 0);
    else {
      index = chain.length - 1;
      while (index > 0 && this.isTrusted(chain[index]!)) index--;
    }
    // A hop that is not an address (a garbled header) is never an identity: fall back to the peer.
    return isIP(chain[index]!) ? chain[index]! : peer;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  private trust(entry: string): void {
    const preset = PRESETS[entry];
    if (preset) {
      for (const [network, prefix, type] of preset) this.trusted.addSubnet(network, prefix, type);
      return;
    }
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new CacheConfigError(
        'rateLimit.trustProxy',
        entry,
        "an IP address, a CIDR such as '10.0.0.0/8', or 'loopback' | 'linklocal' | 'uniquelocal'",
      );
    }
    this.trusted.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The parts of an Express or Fastify request this reads. */
export interface HttpRequestLike {
  ip?: string;
  raw?: HttpRequestLike;
  socket?: { remoteAddress?: string };
  headers?: Record<string, string | string[] | undefined>;
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4; brackets and ports are dropped. */
function normalize(address: string): string {
  let value = address;
  if (value.startsWith('[')) value = value.slice(1, value.indexOf(']'));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  if (value.toLowerCase().startsWith('::ffff:') && isIP(value.slice(7)) === 4) value = value.slice(7);
  return value;
}
