export interface Product {
  id: number;
  name: string;
  category: string;
  priceCents: number;
}

export interface ProductRow {
  id: number;
  name: string;
  category: string;
  price_cents: number;
}

/** `GET /products` answers with the catalog (categories, slow to change) or one page of priced products. */
export type ProductListing =
  | { kind: 'catalog'; categories: Array<{ category: string; products: number }> }
  | { kind: 'page'; category: string; page: number; pageSize: number; products: Product[] };

export const PAGE_SIZE = 50;

export function toProduct(row: ProductRow): Product {
  return { id: row.id, name: row.name, category: row.category, priceCents: row.price_cents };
}

export const categoryTag = (category: string): string => `products:category:${category}`;
export const CATALOG_TAG = 'products:catalog';
export const productTag = (id: number | string): string => `product:${id}`;
