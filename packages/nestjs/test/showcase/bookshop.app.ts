import { Body, Controller, Get, Injectable, Module, Param, Patch, UseInterceptors } from '@nestjs/common';
import { Cacheable, CacheEvict, CacheInterceptor, HttpCache, WriteThrough } from '../../src/index.js';

export interface Book {
  id: string;
  title: string;
  price: number;
}

/** The source of truth, counting every query so the tests can see what the cache saved. */
@Injectable()
export class BookTable {
  queries = 0;
  private readonly rows = new Map<string, Book>([
    ['1', { id: '1', title: 'Dune', price: 10 }],
    ['2', { id: '2', title: 'Emma', price: 8 }],
  ]);

  async find(id: string): Promise<Book | undefined> {
    this.queries += 1;
    return this.rows.get(id);
  }

  async all(): Promise<Book[]> {
    this.queries += 1;
    return [...this.rows.values()];
  }

  async update(id: string, patch: Partial<Book>): Promise<Book> {
    this.queries += 1;
    const row = { ...this.rows.get(id)!, ...patch, id };
    this.rows.set(id, row);
    return row;
  }
}

@Injectable()
export class BooksService {
  constructor(private readonly table: BookTable) {}

  /** TTL + tags: one entry per book, invalidated by its tag or the catalogue tag. */
  @Cacheable({ key: (id: string) => `book:${id}`, ttl: '10m', tags: (id: string) => [`book:${id}`, 'books'] })
  async findOne(id: string): Promise<Book | undefined> {
    return this.table.find(id);
  }

  /** Sliding expiry: a popular list stays cached while it is read, never longer than an hour. */
  @Cacheable({ key: () => 'books:all', ttl: '1m', sliding: true, maxAge: '1h', tags: ['books'] })
  async findAll(): Promise<Book[]> {
    return this.table.all();
  }

  /** Write-through: the updated book is cached at once; lists containing it are invalidated. */
  @WriteThrough({
    key: (id: string) => `book:${id}`,
    tags: (id: string) => [`book:${id}`, 'books'],
    evictTags: ['books:lists'],
  })
  async reprice(id: string, price: number): Promise<Book> {
    return this.table.update(id, { price });
  }

  /** Eviction by tag after the write succeeded. */
  @CacheEvict({ tags: ['books'] })
  async retitle(id: string, title: string): Promise<Book> {
    return this.table.update(id, { title });
  }
}

@Controller('books')
export class BooksController {
  constructor(private readonly books: BooksService) {}

  /** A route cached as HTTP (X-Cache header), tagged with the catalogue. */
  @Get()
  @UseInterceptors(CacheInterceptor)
  @HttpCache({ ttl: '30s', tags: ['books'] })
  list() {
    return this.books.findAll();
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return this.books.findOne(id);
  }

  @Patch(':id/title')
  retitle(@Param('id') id: string, @Body('title') title: string) {
    return this.books.retitle(id, title);
  }
}

@Module({ controllers: [BooksController], providers: [BookTable, BooksService] })
export class BookshopModule {}
