import { ClientAddressResolver } from '../../src/rate-limit/client-address.js';

describe('ClientAddressResolver: the client of a request', () => {
  it('trusting no proxy, answers each connection its own peer, however many requests it carries', () => {
    const resolver = new ClientAddressResolver(false);
    const v4 = { remoteAddress: '::ffff:10.1.2.3' };
    const v6 = { remoteAddress: '2001:db8:1:2:3:4:5:6' };
    const spoofed = { 'x-forwarded-for': '6.6.6.6' };
    for (let i = 0; i < 3; i++) {
      expect(resolver.resolve({ socket: v4, headers: spoofed })).toBe('10.1.2.3');
      expect(resolver.resolve({ raw: { socket: v6 } })).toBe('2001:db8:1:2::/64');
    }
    expect(resolver.resolve({ socket: {}, ip: '10.9.9.9' })).toBe('10.9.9.9');
  });

  it('trusting proxies, reads the forwarded chain of every request', () => {
    const resolver = new ClientAddressResolver(true);
    const socket = { remoteAddress: '127.0.0.1' };
    expect(resolver.resolve({ socket, headers: { 'x-forwarded-for': '1.1.1.1' } })).toBe('1.1.1.1');
    expect(resolver.resolve({ socket, headers: { 'x-forwarded-for': '2.2.2.2' } })).toBe('2.2.2.2');
  });
});
