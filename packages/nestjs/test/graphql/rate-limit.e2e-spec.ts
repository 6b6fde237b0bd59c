import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Context, Field, GqlExecutionContext, Int, ObjectType, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RateLimit } from '@cachet/nestjs';
import { bootGraphqlApp, TRANSPORTS, type GraphqlApp, type GraphqlResponse } from './graphql-app.js';
import { BookResolver, Catalog } from './library.graphql.js';

/** Signs the request in as the user named by `x-user`, the way an auth guard does on GraphQL. */
@Injectable()
class HeaderAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { req } = GqlExecutionContext.create(context).getContext<{ req: { headers: Record<string, string> } }>();
    const id = req.headers['x-user'];
    if (id !== undefined) Object.assign(req, { user: { id } });
    return true;
  }
}

@ObjectType()
class Account {
  @Field()
  plan!: string;
}

@Resolver(() => Account)
class AccountResolver {
  readonly calls: string[] = [];

  @Query(() => Account)
  @UseGuards(HeaderAuthGuard)
  @RateLimit({ name: 'account', limit: 1, window: '1m', by: 'user' })
  async account(@Context() _context: unknown): Promise<Account> {
    this.calls.push('account');
    return { plan: 'pro' };
  }

  // A limited field resolver: the rest of the query still answers.
  @ResolveField(() => Int, { nullable: true })
  @RateLimit({ name: 'usage', limit: 1, window: '1m' })
  async usage(): Promise<number> {
    this.calls.push('usage');
    return 42;
  }
}

function refusalOf(response: GraphqlResponse) {
  expect(response.errors).toHaveLength(1);
  return response.errors![0]!;
}

describe.each(TRANSPORTS)('@RateLimit on GraphQL resolvers (%s)', (transport) => {
  let fixture: GraphqlApp;
  let catalog: Catalog;

  beforeAll(async () => {
    fixture = await bootGraphqlApp(transport, { providers: [Catalog, BookResolver, AccountResolver, HeaderAuthGuard] });
    catalog = fixture.app.get(Catalog);
  });

  afterAll(() => fixture?.close());

  it("counts by: 'ip' per client address, and refuses with TOO_MANY_REQUESTS, retryAfter and Retry-After", async () => {
    const ok = [await fixture.query('{ search(text: "Dune") { id } }', '203.0.113.7')];
    ok.push(await fixture.query('{ search(text: "Dune") { id } }', '203.0.113.7'));
    const refused = await fixture.query('{ search(text: "Dune") { id } }', '203.0.113.7');
    const otherClient = await fixture.query('{ search(text: "Dune") { id } }', '203.0.113.8');

    for (const response of [...ok, otherClient]) {
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ search: [{ id: '1' }, { id: '2' }] });
    }
    const error = refusalOf(refused);
    const retryAfter = error.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(error).toMatchObject({
      message: `Rate limit "search" exceeded; retry in ${retryAfter} s.`,
      path: ['search'],
    });
    expect(error.extensions).toEqual({
      code: 'TOO_MANY_REQUESTS',
      retryAfter,
      policy: 'search',
      violatedPolicies: ['search'],
    });
    expect(refused.headers['retry-after']).toBe(String(retryAfter));
    expect(refused.status).toBe(200);
    expect(catalog.loads.filter((load) => load === 'search:Dune')).toHaveLength(3);
  });

  it('counts by a function of the arguments', async () => {
    const first = await fixture.query('{ stock(id: "1") }');
    const second = await fixture.query('{ stock(id: "1") }', '203.0.113.99');
    const otherBook = await fixture.query('{ stock(id: "22") }');
    expect(first.data).toEqual({ stock: 1 });
    const { extensions } = refusalOf(second);
    expect(extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', policy: 'stock' });
    expect(otherBook.data).toEqual({ stock: 2 });
    // The resolver does not take the context: Apollo Server sets the header from the error's extensions.http;
    // Mercurius has no such channel, and shows them.
    const retryAfter = String(extensions!.retryAfter);
    if (transport === 'mercurius-fastify') {
      expect(second.headers['retry-after']).toBeUndefined();
      expect(extensions!.http).toEqual({ headers: { 'retry-after': retryAfter } });
    } else {
      expect(second.headers['retry-after']).toBe(retryAfter);
      expect(extensions).not.toHaveProperty('http');
    }
  });

  it("counts by: 'user' as the user a guard signed in, else by address", async () => {
    const resolver = fixture.app.get(AccountResolver);
    resolver.calls.length = 0;
    // Two addresses, one signed-in user: one quota.
    const first = await fixture.query('{ account { plan } }', '198.51.100.1', { 'x-user': 'u1' });
    const sameUser = await fixture.query('{ account { plan } }', '198.51.100.2', { 'x-user': 'u1' });
    // Anonymous clients count by address.
    const anonymous = await fixture.query('{ account { plan } }', '192.0.2.1');
    expect(first.data).toEqual({ account: { plan: 'pro' } });
    expect(refusalOf(sameUser).extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', policy: 'account' });
    expect(anonymous.data).toEqual({ account: { plan: 'pro' } });
    expect(resolver.calls.filter((call) => call === 'account')).toHaveLength(2);
  });

  it('refuses a field resolver on its path and answers the rest of the query', async () => {
    const first = await fixture.query('{ account { plan usage } }', '192.0.2.50');
    const second = await fixture.query('{ book(id: "3") { title } account { plan usage } }', '192.0.2.51');
    expect(first.data).toEqual({ account: { plan: 'pro', usage: 42 } });
    expect(second.data).toEqual({ book: { title: 'Solaris' }, account: { plan: 'pro', usage: null } });
    expect(refusalOf(second)).toMatchObject({ path: ['account', 'usage'], extensions: { policy: 'usage' } });
  });
});
