import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { KeySpace } from '@cachet/core/store';
import request from 'supertest';
import { ADAPTERS, bootHttpApp } from '../support/http-app.js';
import { inspector } from '../support/test-app.js';
import { BooksService, BookshopModule, BookTable } from './bookshop.app.js';
import { uniqueNamespace } from '@cachet/testing';

describe.each(ADAPTERS)('the bookshop example app (%s)', (adapter) => {
  let app: INestApplication;
  let table: BookTable;
  let books: BooksService;
  let redis: Redis;
  let namespace: string;

  beforeEach(async () => {
    namespace = uniqueNamespace(`bookshop-${adapter}`);
    app = await bootHttpApp(adapter, { imports: [BookshopModule] }, { namespace });
    table = app.get(BookTable);
    books = app.get(BooksService);
    redis = inspector();
  });

  afterEach(async () => {
    await app.close();
    redis.disconnect();
  });

  it('caches a service method with its TTL and tags', async () => {
    await books.findOne('1');
    await books.findOne('1');
    expect(table.queries).toBe(1);
    const ttl = await redis.pttl(new KeySpace(namespace).entry('book:1').entry);
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
  });

  it('slides the expiry of a list that keeps being read', async () => {
    await books.findAll();
    await redis.pexpire(new KeySpace(namespace).entry('books:all').entry, 1_000);
    await books.findAll();
    expect(await redis.pttl(new KeySpace(namespace).entry('books:all').entry)).toBeGreaterThan(50_000);
    expect(table.queries).toBe(1);
  });

  it('caches a controller route, then evicts it with the tag a write invalidates', async () => {
    const server = app.getHttpServer();
    const miss = await request(server).get('/books').expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    const hit = await request(server).get('/books').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toHaveLength(2);

    await request(server).patch('/books/1/title').send({ title: 'Dune Messiah' }).expect(200);
    const fresh = await request(server).get('/books').expect(200);
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.body[0].title).toBe('Dune Messiah');
    await request(server).get('/books/1').expect(200, { id: '1', title: 'Dune Messiah', price: 10 });
  });

  it('writes through: the repriced book is served from the cache without a query', async () => {
    await books.findOne('2');
    await books.reprice('2', 12);
    const queries = table.queries;
    expect(await books.findOne('2')).toEqual({ id: '2', title: 'Emma', price: 12 });
    expect(table.queries).toBe(queries);
  });
});
