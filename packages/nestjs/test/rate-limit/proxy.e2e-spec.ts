import { Controller, Get, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { RateLimit, RateLimitGuard, type Ipv6Subnet, type TrustProxy } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

@Controller()
@UseGuards(RateLimitGuard)
class OneShotController {
  @Get('once')
  @RateLimit({ limit: 1, window: '1h', algorithm: 'fixed-window' })
  once() {
    return { ok: true };
  }
}

/** Requests come from 127.0.0.1 (the socket peer); `forwardedFor` is what the client or proxies wrote. */
const once = (fixture: RateLimitApp, forwardedFor?: string) => {
  const call = request(fixture.server).get('/once');
  return forwardedFor === undefined ? call : call.set('X-Forwarded-For', forwardedFor);
};

describe.each(ADAPTERS)('client identity and trustProxy (%s)', (platform) => {
  const withTrust = async (
    trustProxy: TrustProxy,
    run: (fixture: RateLimitApp) => Promise<void>,
    ipv6Subnet?: Ipv6Subnet,
  ) => {
    const fixture = await createRateLimitApp(platform, {
      controllers: [OneShotController],
      options: { trustProxy, ipv6Subnet },
    });
    try {
      await run(fixture);
    } finally {
      await fixture.close();
    }
  };

  it('false (default): X-Forwarded-For is ignored, so spoofed values never create fresh buckets', () =>
    withTrust(false, async (fixture) => {
      await once(fixture, '1.1.1.1').expect(200);
      await once(fixture, '2.2.2.2').expect(429);
      await once(fixture).expect(429);
    }));

  it('true: the leftmost X-Forwarded-For entry is the client', () =>
    withTrust(true, async (fixture) => {
      await once(fixture, '1.1.1.1, 10.0.0.1').expect(200);
      await once(fixture, '1.1.1.1').expect(429);
      await once(fixture, '2.2.2.2, 10.0.0.1').expect(200);
    }));

  it('a hop count trusts that many proxies from the socket leftwards; entries further left are ignored', () =>
    withTrust(1, async (fixture) => {
      // One trusted proxy (the peer): the client is the last address it appended.
      await once(fixture, '6.6.6.6, 3.3.3.3').expect(200);
      await once(fixture, '7.7.7.7, 3.3.3.3').expect(429); // a spoofed left entry changes nothing
      await once(fixture, '3.3.3.4').expect(200);
    }));

  it('a list of trusted addresses/CIDRs: the first untrusted hop from the right is the client', () =>
    withTrust(['loopback', '10.0.0.0/8'], async (fixture) => {
      await once(fixture, '4.4.4.4, 10.1.2.3').expect(200); // 127.0.0.1 and 10.1.2.3 trusted → 4.4.4.4
      await once(fixture, '9.9.9.9, 4.4.4.4').expect(429); // 4.4.4.4 is untrusted, so it is the client again
      await once(fixture, '::ffff:5.5.5.5').expect(200); // IPv4-mapped IPv6 is the IPv4 client
      await once(fixture, '5.5.5.5').expect(429);
      await once(fixture, 'not-an-ip').expect(200); // garbage falls back to the peer, 127.0.0.1
      await once(fixture).expect(429);
    }));

  it('one IPv6 /64 is one client by default: another address of the network shares its quota', () =>
    withTrust(true, async (fixture) => {
      await once(fixture, '2001:db8:1:2::1').expect(200);
      await once(fixture, '2001:db8:1:2:ffff:ffff:ffff:ffff').expect(429);
      await once(fixture, '2001:DB8:1:2:0:0:0:abcd').expect(429); // any spelling of an address in it
      await once(fixture, '2001:db8:1:3::1').expect(200); // the next /64 is another client
    }));

  it('ipv6Subnet sets the prefix; false or 128 counts every address apart', async () => {
    await withTrust(
      true,
      async (fixture) => {
        await once(fixture, '2001:db8:1:200::1').expect(200);
        await once(fixture, '2001:db8:1:2ff::1').expect(429); // same /56
        await once(fixture, '2001:db8:1:300::1').expect(200);
      },
      56,
    );
    for (const off of [false, 128] as const) {
      await withTrust(
        true,
        async (fixture) => {
          await once(fixture, '2001:db8:1:2::1').expect(200);
          await once(fixture, '2001:db8:1:2::2').expect(200);
          await once(fixture, '2001:db8:1:2:0::1').expect(429);
        },
        off,
      );
    }
  });

  it('IPv4-mapped IPv6 counts as the IPv4 address, in every spelling', () =>
    withTrust(true, async (fixture) => {
      await once(fixture, '::ffff:5.6.7.8').expect(200);
      await once(fixture, '5.6.7.8').expect(429);
      await once(fixture, '::ffff:506:708').expect(429);
      await once(fixture, '0:0:0:0:0:ffff:5.6.7.8').expect(429);
      // ...and a mapped address is never grouped with its IPv6 neighbours.
      await once(fixture, '::ffff:5.6.7.9').expect(200);
    }));
});
