import { bootGraphqlApp, TRANSPORTS, type GraphqlApp } from './graphql-app.js';
import { BookResolver, Catalog } from './library.graphql.js';

describe.each(TRANSPORTS)('@Cacheable on GraphQL resolvers (%s)', (transport) => {
  let fixture: GraphqlApp;
  let catalog: Catalog;

  beforeAll(async () => {
    fixture = await bootGraphqlApp(transport, { providers: [Catalog, BookResolver] });
    catalog = fixture.app.get(Catalog);
  });

  afterAll(() => fixture?.close());

  beforeEach(() => {
    catalog.loads.length = 0;
  });

  it('answers the second query from the cache: the loader ran once, keyed by the arguments', async () => {
    const first = await fixture.query('{ book(id: "1") { id title } }');
    const second = await fixture.query('{ book(id: "1") { id title } }');
    const other = await fixture.query('{ book(id: "3") { title } }');
    expect(first).toMatchObject({ status: 200, data: { book: { id: '1', title: 'Dune' } } });
    expect(first.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(other.data).toEqual({ book: { title: 'Solaris' } });
    expect(catalog.loads).toEqual(['book:1', 'book:3']);
  });

  it('caches a field resolver by its parent: one load per author across books and queries', async () => {
    const first = await fixture.query('{ a: book(id: "1") { author { name } } b: book(id: "2") { author { name } } }');
    const again = await fixture.query('{ book(id: "2") { title author { id name } } }');
    expect(first.data).toEqual({ a: { author: { name: 'Frank Herbert' } }, b: { author: { name: 'Frank Herbert' } } });
    expect(again.data).toEqual({ book: { title: 'Children of Dune', author: { id: 'a1', name: 'Frank Herbert' } } });
    expect(catalog.loads.filter((load) => load.startsWith('author:'))).toEqual(['author:a1']);
  });

  it('evicts through a mutation: the next query loads again and sees the change', async () => {
    await fixture.query('{ book(id: "2") { title } }');
    const renamed = await fixture.query('mutation { renameBook(id: "2", title: "Dune Messiah") { title } }');
    const after = await fixture.query('{ book(id: "2") { title } }');
    expect(renamed.data).toEqual({ renameBook: { title: 'Dune Messiah' } });
    expect(after.data).toEqual({ book: { title: 'Dune Messiah' } });
    expect(catalog.loads.filter((load) => load === 'book:2')).toHaveLength(1);
  });
});
