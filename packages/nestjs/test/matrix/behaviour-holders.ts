import 'reflect-metadata';
import { Controller, Get, Injectable, Param, Post, Scope, SetMetadata, UseGuards } from '@nestjs/common';
import { Cacheable, RateLimit, RateLimitGuard, WriteBehind } from '../../src/index.js';

/** What really ran: loads of the source, and writes the flusher persisted. Shared by every instance. */
@Injectable()
export class Journal {
  readonly entries: string[] = [];

  record(entry: string): number {
    this.entries.push(entry);
    return this.entries.filter((e) => e === entry).length;
  }

  count(entry: string): number {
    return this.entries.filter((e) => e === entry).length;
  }
}

/** Two calls admitted, the third refused: small enough to reach, wide enough never to reset mid-test. */
export const LIMIT = 2;

// One class per kind of holder, each with the three decorators on their own methods. They are written out,
// not made by a factory: a class's name is part of its default keys and rate-limit subjects.

@Injectable()
export class SingletonHolder {
  constructor(private readonly journal: Journal) {}

  @RateLimit({ limit: LIMIT, window: '1h' })
  async limited(x: string): Promise<string> {
    return x;
  }

  @Cacheable({ key: (x: string) => `singleton:${x}` })
  async load(x: string): Promise<{ x: string; load: number }> {
    return { x, load: this.journal.record(`load:${x}`) };
  }

  @WriteBehind({ queue: 'singleton', key: (x: string) => `singleton-saved:${x}` })
  async save(x: string): Promise<void> {
    this.journal.record(`persisted:${x}`);
  }
}

@Injectable({ scope: Scope.REQUEST })
export class RequestScopedHolder {
  constructor(private readonly journal: Journal) {}

  @RateLimit({ limit: LIMIT, window: '1h' })
  async limited(x: string): Promise<string> {
    return x;
  }

  @Cacheable({ key: (x: string) => `request:${x}` })
  async load(x: string): Promise<{ x: string; load: number }> {
    return { x, load: this.journal.record(`load:${x}`) };
  }

  @WriteBehind({ queue: 'request', key: (x: string) => `request-saved:${x}` })
  async save(x: string): Promise<void> {
    this.journal.record(`persisted:${x}`);
  }
}

@Injectable({ scope: Scope.TRANSIENT })
export class TransientHolder {
  constructor(private readonly journal: Journal) {}

  @RateLimit({ limit: LIMIT, window: '1h' })
  async limited(x: string): Promise<string> {
    return x;
  }

  @Cacheable({ key: (x: string) => `transient:${x}` })
  async load(x: string): Promise<{ x: string; load: number }> {
    return { x, load: this.journal.record(`load:${x}`) };
  }

  @WriteBehind({ queue: 'transient', key: (x: string) => `transient-saved:${x}` })
  async save(x: string): Promise<void> {
    this.journal.record(`persisted:${x}`);
  }
}

// A GraphQL-shaped resolver: the class and field metadata @nestjs/graphql writes, called on the instance the
// way its executor calls field resolvers.
const Resolver = () => SetMetadata('graphql:resolver_type', 'Query');
const Field = (name: string) => SetMetadata('graphql:resolver_name', name);

@Resolver()
@Injectable()
export class ResolverHolder {
  constructor(private readonly journal: Journal) {}

  @Field('limited')
  @RateLimit({ limit: LIMIT, window: '1h', by: (ctx) => String(ctx.getArgs()[1]) })
  async limited(_root: unknown, viewer: string): Promise<string> {
    return viewer;
  }

  @Field('load')
  @Cacheable({ key: (_root: unknown, x: string) => `resolver:${x}` })
  async load(_root: unknown, x: string): Promise<{ x: string; load: number }> {
    return { x, load: this.journal.record(`load:${x}`) };
  }

  @Field('save')
  @WriteBehind({ queue: 'resolver', key: (_root: unknown, x: string) => `resolver-saved:${x}`, value: (_r, x) => x })
  async save(_root: unknown, x: string): Promise<void> {
    this.journal.record(`persisted:${x}`);
  }
}

@Controller('holder')
@UseGuards(RateLimitGuard)
export class ControllerHolder {
  constructor(private readonly journal: Journal) {}

  @Get('limited/:x')
  @RateLimit({ limit: LIMIT, window: '1h' })
  limited(@Param('x') x: string): { x: string } {
    return { x };
  }

  @Get('load/:x')
  @Cacheable({ key: (x: string) => `controller:${x}` })
  async load(@Param('x') x: string): Promise<{ x: string; load: number }> {
    return { x, load: this.journal.record(`load:${x}`) };
  }

  @Post('save/:x')
  @WriteBehind({ queue: 'controller', key: (x: string) => `controller-saved:${x}` })
  async save(@Param('x') x: string): Promise<void> {
    this.journal.record(`persisted:${x}`);
  }
}
