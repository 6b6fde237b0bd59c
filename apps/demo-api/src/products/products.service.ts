import { Injectable, NotFoundException } from '@nestjs/common';
import { Database, InjectDatabase } from '../database/database.js';
import { PAGE_SIZE, toProduct, type Product, type ProductListing, type ProductRow } from './product.js';

@Injectable()
export class ProductsService {
  constructor(@InjectDatabase() private readonly db: Database) {}

  /** No category: the catalog. A category: one page of its products with their prices. */
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

  async updatePrice(id: number, priceCents: number): Promise<Product> {
    const row = await this.db.one<ProductRow>(
      `UPDATE products SET price_cents = $2, updated_at = now() WHERE id = $1
       RETURNING id, name, category, price_cents`,
      [id, priceCents],
    );
    if (!row) throw new NotFoundException(`product ${id} not found`);
    return toProduct(row);
  }
}
