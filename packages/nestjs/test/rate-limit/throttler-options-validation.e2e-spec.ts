import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheConfigError, CacheKeyError } from '@cachet/core';
import { CacheBindingError, CacheModule, RateLimit, type RateLimitModuleOptions } from '@cachet/nestjs';
import { initOrClose } from '../support/test-app.js';

async function boot(rateLimit: RateLimitModuleOptions, providers: unknown[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot({ store: 'memory', rateLimit })],
    providers: providers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await initOrClose(app);
  return app;
}

function declare(policy: Record<string, unknown>): () => void {
  return () => {
    class Target {
      async method(): Promise<void> {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(Target.prototype, 'method')!;
    RateLimit({ limit: 1, window: '1m', ...policy } as never)(Target.prototype, 'method', descriptor);
  };
}

describe('the throttler-style options are checked where they are written', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'ignoreUserAgents that are not RegExps',
      { ignoreUserAgents: ['bot'] },
      /"@RateLimit on Target.method\("default"\).ignoreUserAgents".*RegExp/,
    ],
    ['an empty errorMessage', { errorMessage: '' }, /\.errorMessage": "".*non-empty string, or a function/],
    ['a key that is not a function', { key: 'ip' }, /\.key": "ip".*a function/],
    ['a bad window', { window: '10 minutes' }, /\.window": "10 minutes"/],
  ])('@RateLimit with %s: CacheConfigError at decoration', (_label, policy, message) => {
    expect(declare(policy)).toThrow(CacheConfigError);
    expect(declare(policy)).toThrow(message);
  });

  it.each<[string, RateLimitModuleOptions, RegExp]>([
    ['rateLimit.errorMessage', { errorMessage: 42 as never }, /"rateLimit.errorMessage": 42/],
    ['rateLimit.ignoreUserAgents', { ignoreUserAgents: /bot/ as never }, /"rateLimit.ignoreUserAgents"/],
    ['rateLimit.key', { key: 'tracker' as never }, /"rateLimit.key": "tracker"/],
  ])('%s of the wrong type fails at bootstrap', async (_label, options, message) => {
    await expect(Promise.resolve().then(() => boot(options))).rejects.toThrow(message);
  });

  it('ignoreUserAgents on a service method fails at bootstrap: there is no User-Agent there', async () => {
    @Injectable()
    class Crawler {
      @RateLimit({ limit: 1, window: '1m', by: () => 'all', ignoreUserAgents: [/bot/] })
      async crawl(): Promise<void> {}
    }
    const failure = boot({}, [Crawler]).then(
      () => undefined,
      (error: Error) => error,
    );
    await expect(failure).resolves.toBeInstanceOf(CacheBindingError);
    await expect(failure).resolves.toMatchObject({ message: expect.stringMatching(/Crawler.crawl.*ignoreUserAgents/) });
  });

  it('a per-call window, limit or key that answers badly is a typed error naming the policy', async () => {
    @Injectable()
    class Quotes {
      @RateLimit({ name: 'w', limit: 1, window: () => '10 minutes' as never, by: () => 'all' })
      async byWindow(): Promise<void> {}

      @RateLimit({ name: 'l', limit: async () => 0, window: '1m', by: () => 'all' })
      async byLimit(): Promise<void> {}

      @RateLimit({ name: 'k', limit: 1, window: '1m', key: () => '' })
      async byKey(): Promise<void> {}
    }
    const app = await boot({}, [Quotes]);
    const quotes = app.get(Quotes);
    await expect(quotes.byWindow()).rejects.toThrow(/"@RateLimit\("w"\) for this call.window": "10 minutes"/);
    await expect(quotes.byLimit()).rejects.toThrow(/"@RateLimit\("l"\) for this call.limit": 0/);
    await expect(quotes.byKey()).rejects.toThrow(CacheKeyError);
    await app.close();
  });
});
