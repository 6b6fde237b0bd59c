import request from 'supertest';
import { DATABASES, startDemoApp, type DemoApp } from './support/demo-app.js';

describe.each(DATABASES)('products on %s', (kind) => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp(kind);
  });
  afterAll(() => demo?.close());

  async function productQueries(work: () => Promise<unknown>): Promise<number> {
    const before = demo.db.queries.of('products');
    await work();
    return demo.db.queries.of('products') - before;
  }

  const get = (query: string) => request(demo.server).get(`/products${query}`).expect(200);

  it('caches the catalog and each page of a category', async () => {
    const cold = await productQueries(async () => {
      const catalog = await get('');
      expect(catalog.body.kind).toBe('catalog');
      expect(catalog.body.categories).toContainEqual({ category: 'books', products: 20 });
      const books = await get('?category=books');
      expect(books.body).toMatchObject({ kind: 'page', category: 'books', page: 1 });
      expect(books.body.products.every((product: { category: string }) => product.category === 'books')).toBe(true);
    });
    expect(cold).toBe(2);
    const warm = await productQueries(async () => {
      await get('');
      await get('?category=books');
    });
    expect(warm).toBe(0);
  });

  it('PATCH /products/:id/price evicts the pages of its category only', async () => {
    const { body: books } = await get('?category=books');
    const product = books.products[0] as { id: number; priceCents: number };
    await get('?category=books&page=2');
    await get('?category=games');
    await get('');

    await request(demo.server)
      .patch(`/products/${product.id}/price`)
      .send({ priceCents: product.priceCents + 1 })
      .expect(200);

    const untouched = await productQueries(async () => {
      await get('?category=games');
      await get('');
    });
    expect(untouched).toBe(0);

    const evicted = await productQueries(async () => {
      const { body } = await get('?category=books');
      expect(body.products[0]).toEqual({
        ...product,
        category: 'books',
        name: expect.any(String),
        priceCents: product.priceCents + 1,
      });
      await get('?category=books&page=2');
    });
    expect(evicted).toBe(2);
  });

  it('GET /products/:id caches the HTTP response (X-Cache) until the price changes', async () => {
    const miss = await request(demo.server).get('/products/33').expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    const queries = await productQueries(async () => {
      const hit = await request(demo.server).get('/products/33').expect(200);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.body).toEqual(miss.body);
    });
    expect(queries).toBe(0);

    await request(demo.server)
      .patch('/products/33/price')
      .send({ priceCents: miss.body.priceCents + 5 })
      .expect(200);
    const reloaded = await request(demo.server).get('/products/33').expect(200);
    expect(reloaded.headers['x-cache']).toBe('MISS');
    expect(reloaded.body.priceCents).toBe(miss.body.priceCents + 5);
    await request(demo.server).get('/products/999999').expect(404);
  });

  it('refuses a bad category, page or price', async () => {
    await request(demo.server).get('/products?category=DROP%20TABLE').expect(400);
    await request(demo.server).get('/products?category=books&page=0').expect(400);
    await request(demo.server).patch('/products/1/price').send({ priceCents: -5 }).expect(400);
    await request(demo.server).patch('/products/999999/price').send({ priceCents: 5 }).expect(404);
  });
});
