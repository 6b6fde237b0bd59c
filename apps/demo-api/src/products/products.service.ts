import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Cache, Duration } from '@cachet/core';
import { DEMO_CACHE } from '../cache/demo-cache.module.js';
import { Database, InjectDatabase } from '../database/database.js';
import {
  CATALOG_TAG,
  categoryTag,
  PAGE_SIZE,
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
    @Inject(DEMO_CACHE) private readonly cache: Cache,
  ) {}

  /** No category: the catalog. A category: one page of its products with their prices. */
  list(category: string | undefined, page: number): Promise<ProductListing> {
    const key = category === undefined ? 'products:catalog' : `products:${category}:page:${page}`;
    const tags = category === undefined ? [CATALOG_TAG] : [categoryTag(category)];
    return this.cache.getOrSet(key, () => this.load(category, page), { ttl: listingTtl, tags });
  }

  /** Evicts the pages of the product's category only: the catalog and every other category stay cached. */
  async updatePrice(id: number, priceCents: number): Promise<Product> {
    const row = await this.db.one<ProductRow>(
      `UPDATE products SET price_cents = $2, updated_at = now() WHERE id = $1
       RETURNING id, name, category, price_cents`,
      [id, priceCents],
    );
    if (!row) throw new NotFoundException(`product ${id} not found`);
    await this.cache.invalidateTags(categoryTag(row.category));
    return toProduct(row);
  }

  private async load(category: string | undefined, page: number): Promise<ProductListing> {
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
}
