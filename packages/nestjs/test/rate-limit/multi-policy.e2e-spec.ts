import { Controller, Get, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { Cluster, type Redis } from 'ioredis';
import { testClusterNodes } from '@cachet/testing';
import { RateLimit, RateLimitGuard } from '@cachet/nestjs';
import { createRateLimitApp, type RateLimitApp } from './rate-limit-app.js';
import { ADAPTERS } from '../support/http-app.js';

/** 'hourly' is one quota shared by the class's routes; /search also has a tight 'burst' of its own. */
@Controller('m')
@UseGuards(RateLimitGuard)
@RateLimit({ name: 'hourly', limit: 10, window: '1h', algorithm: 'fixed-window' })
class SearchController {
  @Get('search')
  @RateLimit({ name: 'burst', limit: 3, window: '1h', algorithm: 'sliding-log' })
  search() {
    return { ok: true };
  }

  @Get('other')
  other() {
    return { ok: true };
  }
}

@Controller('c')
@UseGuards(RateLimitGuard)
@RateLimit({ name: 'hourly', limit: 10, window: '1h', algorithm: 'token-bucket' })
class ConcurrentController {
  @Get('search')
  @RateLimit({ name: 'burst', limit: 3, window: '1h', algorithm: 'fixed-window' })
  search() {
    return { ok: true };
  }

  @Get('other')
  other() {
    return { ok: true };
  }
}

const hit = (fixture: RateLimitApp, path: string) => request(fixture.server).get(path);

describe.each(ADAPTERS)('several policies on one route are atomic (%s)', (platform) => {
  let fixture: RateLimitApp;
  beforeAll(async () => {
    fixture = await createRateLimitApp(platform, { controllers: [SearchController, ConcurrentController] });
  });
  afterAll(() => fixture.close());

  it('a request refused by one policy consumes none of the others; headers name the binding policy', async () => {
    const responses: request.Response[] = [];
    for (let i = 0; i < 8; i++) responses.push(await hit(fixture, '/m/search'));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    // Every policy that applied, with what it holds after the refusal: 'hourly' spent only the 3 admitted.
    const refused = responses[3]!;
    expect(refused.headers['ratelimit-policy']).toBe('"hourly";q=10;w=3600, "burst";q=3;w=3600');
    expect(refused.headers['ratelimit']).toMatch(/^"hourly";r=7;t=3600, "burst";r=0;t=(3599|3600)$/);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(['3599', '3600']).toContain(refused.headers['retry-after']);
    expect(refused.body).toMatchObject({ policy: 'burst', violatedPolicies: ['burst'] });
    // Later refusals come from memory without asking Redis: 'hourly' was not asked, so it has no figures.
    const remembered = responses[7]!;
    expect(remembered.headers['ratelimit-policy']).toBe('"hourly";q=10;w=3600, "burst";q=3;w=3600');
    expect(remembered.headers['ratelimit']).toMatch(/^"burst";r=0;t=(3599|3600)$/);
    expect(['3599', '3600']).toContain(remembered.headers['retry-after']);
    // The route that shares only 'hourly' finds 7 of its 10 units left.
    const other = await hit(fixture, '/m/other').expect(200);
    expect(other.headers['ratelimit']).toBe('"hourly";r=6;t=3600');
    expect(other.headers['x-ratelimit-remaining']).toBe('6');
  });

  it('under concurrency, exactly the tighter budget passes and the shared policy counts only those', async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, () => hit(fixture, '/c/search')));
    const passed = responses.filter((response) => response.status === 200).length;
    const other = await hit(fixture, '/c/other').expect(200);
    console.log(`[${platform}] ${passed} of 60 passed; 'hourly' then reads ${other.headers['ratelimit']}`);
    expect(passed).toBe(3);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(57);
    expect(other.headers['ratelimit']).toMatch(/^"hourly";r=6;t=\d+$/);
  });
});

/** Script calls the masters have run (EVALSHA and EVAL), from INFO commandstats. */
async function scriptCalls(masters: Redis[]): Promise<number> {
  let total = 0;
  for (const master of masters) {
    const info = await master.info('commandstats');
    for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) total += Number(match[2]);
  }
  return total;
}

describe('several policies on one route, on Redis Cluster', () => {
  let fixture: RateLimitApp;
  let admin: Cluster;
  beforeAll(async () => {
    fixture = await createRateLimitApp('express', {
      controllers: [SearchController],
      redis: { cluster: testClusterNodes() },
    });
    admin = new Cluster(testClusterNodes());
    await admin.ping();
  });
  afterAll(async () => {
    await admin.quit();
    await fixture.close();
  });

  it('the policies that count one client share its slot: one script per request, none once it is refused', async () => {
    await hit(fixture, '/m/search').expect(200); // loads the script on the client's node
    const masters = admin.nodes('master');
    const before = await scriptCalls(masters);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await hit(fixture, '/m/search')).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429]);
    // Two admitted and the first refusal: one script each; the later refusals are answered from memory.
    expect(await scriptCalls(masters)).toBe(before + 3);
    const other = await hit(fixture, '/m/other').expect(200);
    expect(other.headers['ratelimit']).toBe('"hourly";r=6;t=3600');
  });
});
