import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { RateLimit, RateLimitExceededException } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';

/** An upstream client whose call budget is declared once, on the base. */
abstract class UpstreamClient {
  @RateLimit({ name: 'upstream', limit: 2, window: '1m' })
  async call(): Promise<string> {
    return this.constructor.name;
  }
}

@Injectable()
class StripeClient extends UpstreamClient {}

@Injectable()
class GithubClient extends UpstreamClient {}

async function refused(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (error instanceof RateLimitExceededException) return true;
    throw error;
  }
}

describe('@RateLimit on a method declared on a base class', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp({ providers: [StripeClient, GithubClient] }, { namespace: uniqueNamespace('rl-inh') });
  });
  afterAll(() => app.close());

  it("counts each subclass's calls on its own quota, as RateLimitGuard does for an inherited route", async () => {
    const stripe = app.get(StripeClient);
    const github = app.get(GithubClient);
    expect([await stripe.call(), await stripe.call()]).toEqual(['StripeClient', 'StripeClient']);
    expect(await refused(() => stripe.call())).toBe(true);
    expect(await refused(() => github.call())).toBe(false);
  });
});
