import { CacheConfigError } from '@cachet/core';
import { clientSubnet } from '@cachet/nestjs';
import { resolveIpv6Subnet } from '../../src/rate-limit/client-subnet.js';

describe('clientSubnet: the client an address stands for', () => {
  it.each([
    ['2001:db8:1:2:3:4:5:6', 64, '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2ff::1', 56, '2001:db8:1:200::/56'],
    ['2001:db8:1:2::7', 128, '2001:db8:1:2::7'],
    ['1:0:0:1:0:0:0:1', 128, '1:0:0:1::1'],
    ['2001:db8::1:0:0:1', 128, '2001:db8::1:0:0:1'],
    ['::1', 64, '::/64'],
    ['::1', 128, '::1'],
    ['fe80::1%eth0', 64, 'fe80::/64'],
    ['64:ff9b::1.2.3.4', 96, '64:ff9b::/96'],
    ['2001:db8:ffff:ffff::', 33, '2001:db8:8000::/33'],
    ['ffff::', 1, '8000::/1'],
  ])('%s with /%d is %s', (address, prefix, expected) => {
    expect(clientSubnet(address, prefix)).toBe(expected);
  });

  it.each(['::ffff:1.2.3.4', '::FFFF:102:304', '0:0:0:0:0:ffff:1.2.3.4', '0000::ffff:0102:0304'])(
    'IPv4-mapped %s is the IPv4 client 1.2.3.4, at any prefix',
    (address) => {
      expect(clientSubnet(address, 64)).toBe('1.2.3.4');
      expect(clientSubnet(address, 128)).toBe('1.2.3.4');
    },
  );

  it('leaves IPv4 addresses and non-addresses alone', () => {
    expect(clientSubnet('10.1.2.3', 64)).toBe('10.1.2.3');
    expect(clientSubnet('unknown', 64)).toBe('unknown');
  });

  it('rateLimit.ipv6Subnet: 64 by default, false means 128, anything but 1..128 is a CacheConfigError', () => {
    expect(resolveIpv6Subnet(undefined)).toBe(64);
    expect(resolveIpv6Subnet(false)).toBe(128);
    expect(resolveIpv6Subnet(48)).toBe(48);
    for (const bad of [0, 129, 64.5, '64', true, null, -1]) {
      expect(() => resolveIpv6Subnet(bad)).toThrow(CacheConfigError);
    }
  });
});
