import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { Cacheable, CacheEvict, RateLimit } from '@cachet/nestjs';

// The app the GraphQL docs show: a query and a field resolver cached, a query limited per client.

@ObjectType()
export class Author {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class Book {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field(() => ID)
  authorId!: string;
}

/** The slow source the resolvers cache: it counts what it was asked. */
@Injectable()
export class Catalog {
  readonly loads: string[] = [];
  private readonly books = new Map<string, Book>([
    ['1', { id: '1', title: 'Dune', authorId: 'a1' }],
    ['2', { id: '2', title: 'Children of Dune', authorId: 'a1' }],
    ['3', { id: '3', title: 'Solaris', authorId: 'a2' }],
  ]);
  private readonly authors = new Map<string, Author>([
    ['a1', { id: 'a1', name: 'Frank Herbert' }],
    ['a2', { id: 'a2', name: 'Stanisław Lem' }],
  ]);

  async book(id: string): Promise<Book | null> {
    this.loads.push(`book:${id}`);
    return this.books.get(id) ?? null;
  }

  async author(id: string): Promise<Author> {
    this.loads.push(`author:${id}`);
    return this.authors.get(id)!;
  }

  async search(text: string): Promise<Book[]> {
    this.loads.push(`search:${text}`);
    return [...this.books.values()].filter((book) => book.title.includes(text));
  }

  rename(id: string, title: string): Book {
    const book = { ...this.books.get(id)!, title };
    this.books.set(id, book);
    return book;
  }
}

@Resolver(() => Book)
export class BookResolver {
  constructor(private readonly catalog: Catalog) {}

  @Query(() => Book, { nullable: true })
  @Cacheable({ key: (id: string) => `book:${id}`, tags: (id: string) => [`book:${id}`], ttl: '10m' })
  async book(@Args('id', { type: () => ID }) id: string): Promise<Book | null> {
    return this.catalog.book(id);
  }

  // A field resolver: its key comes from the parent object.
  @ResolveField(() => Author)
  @Cacheable({ key: (book: Book) => `author:${book.authorId}`, ttl: '10m' })
  async author(@Parent() book: Book): Promise<Author> {
    return this.catalog.author(book.authorId);
  }

  // Counted per client address: `by: 'ip'` reads the request from the GraphQL context, so the resolver takes it.
  @Query(() => [Book])
  @RateLimit({ name: 'search', limit: 2, window: '1m', by: 'ip' })
  async search(@Args('text') text: string, @Context() _context: unknown): Promise<Book[]> {
    return this.catalog.search(text);
  }

  // Counted per argument; no context needed.
  @Query(() => Int)
  @RateLimit({ name: 'stock', limit: 1, window: '1m', by: (ctx) => String(ctx.getArgs()[0]) })
  async stock(@Args('id', { type: () => ID }) id: string): Promise<number> {
    return id.length;
  }

  @Mutation(() => Book)
  @CacheEvict({ tags: (id: string) => [`book:${id}`] })
  async renameBook(@Args('id', { type: () => ID }) id: string, @Args('title') title: string): Promise<Book> {
    return this.catalog.rename(id, title);
  }
}
