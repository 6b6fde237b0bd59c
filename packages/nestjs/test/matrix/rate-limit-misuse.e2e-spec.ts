import { uniqueNamespace } from '@cachet/testing';
import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Controller, Get, Injectable, Logger, UseGuards, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CacheBindingError, RateLimit, RateLimitGuard, type CacheModuleOptions } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';

@Controller('unguarded')
class UnguardedController {
  @Get()
  @RateLimit({ limit: 5, window: '1m' })
  login(): string {
    return 'ok';
  }

  @Get('free')
  free(): string {
    return 'ok';
  }
}

@Controller('class-guarded')
@UseGuards(RateLimitGuard)
class ClassGuardedController {
  @Get()
  @RateLimit({ limit: 5, window: '1m' })
  login(): string {
    return 'ok';
  }
}

@Controller('route-guarded')
class RouteGuardedController {
  @Get()
  @UseGuards(RateLimitGuard)
  @RateLimit({ limit: 5, window: '1m' })
  login(): string {
    return 'ok';
  }
}

@Controller('class-policy')
@RateLimit({ limit: 5, window: '1m' })
class UnguardedClassPolicyController {
  @Get()
  login(): string {
    return 'ok';
  }
}

// What @WebSocketGateway() writes on its class (@nestjs/websockets is not needed to recognise one).
const WebSocketGateway = (): ClassDecorator => (target) =>
  Reflect.defineMetadata('websockets:is_gateway', true, target);

@WebSocketGateway()
@Injectable()
class ChatGateway {
  @RateLimit({ limit: 5, window: '1m' })
  async onMessage(_message: string): Promise<void> {}
}

@WebSocketGateway()
@Injectable()
@RateLimit({ limit: 5, window: '1m' })
class LimitedGateway {
  async onMessage(_message: string): Promise<void> {}
}

// by: 'ip' reads the GraphQL context's req: a resolver that does not take the context cannot count by it.
@Resolver()
class ByIpResolver {
  @Query(() => String)
  @RateLimit({ limit: 5, window: '1m', by: 'ip' })
  async viewer(@Args('id') id: string): Promise<string> {
    return id;
  }
}

@Injectable()
@RateLimit({ limit: 5, window: '1m' })
class ClassLimitedService {
  async quote(): Promise<number> {
    return 1;
  }
}

@Injectable()
class SyncService {
  @RateLimit({ limit: 5, window: '1m' })
  quote(): number {
    return 1;
  }
}

function boot(metadata: ModuleMetadata, options: CacheModuleOptions = {}) {
  return bootCacheApp(metadata, { store: 'memory', namespace: uniqueNamespace('misuse'), ...options });
}

function rateLimitWarnings(warn: { mock: { calls: unknown[][] } }): string[] {
  return warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('@RateLimit'));
}

describe('@RateLimit on a route no RateLimitGuard covers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('warns once at bootstrap, naming Class.method and the ways to fix it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot({ controllers: [UnguardedController] });
    await app.close();
    const warnings = rateLimitWarnings(warn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^UnguardedController\.login: @RateLimit is not enforced/);
    expect(warnings[0]).toContain('@UseGuards(RateLimitGuard)');
    expect(warnings[0]).toContain('APP_GUARD');
    expect(warnings[0]).toContain('rateLimit: { global: true }');
  });

  it('warns about a class policy no guard covers, naming the class', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot({ controllers: [UnguardedClassPolicyController] });
    await app.close();
    expect(rateLimitWarnings(warn)).toEqual([
      expect.stringMatching(/^UnguardedClassPolicyController: @RateLimit is not enforced/),
    ]);
  });

  it.each<[string, ModuleMetadata, CacheModuleOptions]>([
    ['@UseGuards on the class', { controllers: [ClassGuardedController] }, {}],
    ['@UseGuards on the handler', { controllers: [RouteGuardedController] }, {}],
    [
      'RateLimitGuard as APP_GUARD',
      { controllers: [UnguardedController], providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }] },
      {},
    ],
    ['rateLimit.global', { controllers: [UnguardedController] }, { rateLimit: { global: true } }],
  ])('stays quiet when the guard is in effect: %s', async (_case, metadata, options) => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot(metadata, options);
    await app.close();
    expect(rateLimitWarnings(warn)).toEqual([]);
  });
});

describe('@RateLimit where it cannot work fails app.init()', () => {
  it.each<[string, ModuleMetadata, RegExp]>([
    [
      'a WebSocket gateway method',
      { providers: [ChatGateway] },
      /^ChatGateway\.onMessage: .*not supported on a WebSocket gateway/,
    ],
    [
      'a WebSocket gateway class',
      { providers: [LimitedGateway] },
      /^LimitedGateway: .*not supported on a WebSocket gateway/,
    ],
    [
      "a resolver with by: 'ip'",
      { providers: [ByIpResolver] },
      /^ByIpResolver\.viewer: .*by: 'ip'.*does not receive the context.*@Context\(\).*ctx\.getArgs\(\)/,
    ],
    ['a service class', { providers: [ClassLimitedService] }, /^ClassLimitedService: .*Put @RateLimit on each method/],
    [
      'a method that is not async',
      { providers: [SyncService] },
      /^SyncService\.quote: @RateLimit needs an async method/,
    ],
  ])('%s', async (_case, metadata, message) => {
    const failure = await boot(metadata).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CacheBindingError);
    expect((failure as Error).message).toMatch(message);
  });
});
