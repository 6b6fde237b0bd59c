import { Injectable, NotFoundException } from '@nestjs/common';
import type { Duration } from '@cachet/core';
import { Cacheable, CacheService } from '@cachet/nestjs';
import { Database, InjectDatabase } from '../database/database.js';
import {
  CATALOG_TAG,
  categoryTag,
  PAGE_SIZE,
  productTag,
  toProduct,
  type Product,
  type ProductListing,
  type ProductRow,
} from './product.js';

/** Conditional TTL: the catalog (categories and counts) barely changes; prices do. */
export const listingTtl = (listing: ProductListing): Duration => (listing.kind === 'catalog' ? '1h' : '1m');

@Injectable()
export class ProductsService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly cache: CacheService,
  ) {}

  /**
   * No category: the catalog. A category: one page of its products with their
   * prices. Every page of a category carries the category's tag, so one
   * invalidation drops them all.
   */
  @Cacheable({
    key: (category: string | undefined, page: number) =>
      category === undefined ? 'products:catalog' : `products:${category}:page:${page}`,
    ttl: (listing: ProductListing) => listingTtl(listing),
    tags: (category: string | undefined) => (category === undefined ? [CATALOG_TAG] : [categoryTag(category)]),
  })
  async list(category: string | undefined, page: number): Promise<ProductListing> {
    if (category === undefined) {
      const categories = await this.db.query<{ category: string; products: number }>(
        'SELECT category, count(*)::int AS products FROM products GROUP BY category ORDER BY category',
      );
      return { kind: 'catalog', categories };
    }
    const rows = await this.db.query<ProductRow>(
      `SELECT id, name, category, price_cents FROM products WHERE category = $1 ORDER BY id LIMIT $2 OFFSET $3`,
      [category, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    );
    return { kind: 'page', category, page, pageSize: PAGE_SIZE, products: rows.map(toProduct) };
  }

  /**
   * Evicts the pages of the product's category only: the catalog and every
   * other category stay cached. The category is known only once the UPDATE
   * answered, so this eviction uses `CacheService` rather than `@CacheEvict`
   * (whose tags are a function of the arguments).
   */
  async findOne(id: number): Promise<Product | undefined> {
    const row = await this.db.one<ProductRow>('SELECT id, name, category, price_cents FROM products WHERE id = $1', [
      id,
    ]);
    return row ? toProduct(row) : undefined;
  }

  async updatePrice(id: number, priceCents: number): Promise<Product> {
    const row = await this.db.one<ProductRow>(
      `UPDATE products SET price_cents = $2, updated_at = now() WHERE id = $1
       RETURNING id, name, category, price_cents`,
      [id, priceCents],
    );
    if (!row) throw new NotFoundException(`product ${id} not found`);
    await this.cache.invalidateTags(categoryTag(row.category), productTag(id));
    return toProduct(row);
  }
}
