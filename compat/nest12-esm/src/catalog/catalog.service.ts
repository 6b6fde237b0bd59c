import { Injectable } from '@nestjs/common';
import { CacheEvict, Cacheable } from '@cachet/nestjs';

export interface Product {
  id: string;
  name: string;
}

@Injectable()
export class CatalogService {
  /** How many times the "database" was read: the e2e test counts cache misses with it. */
  loads = 0;
  private readonly names = new Map<string, string>([['1', 'Widget']]);

  @Cacheable({
    key: (id: string) => `product:${id}`,
    ttl: '1m',
    tags: (id: string) => [`product:${id}`],
  })
  async find(id: string): Promise<Product> {
    this.loads++;
    return { id, name: this.names.get(id) ?? 'unknown' };
  }

  @CacheEvict({ tags: (id: string) => [`product:${id}`] })
  async rename(id: string, name: string): Promise<Product> {
    this.names.set(id, name);
    return { id, name };
  }
}
