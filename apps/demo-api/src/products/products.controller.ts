import {
  BadRequestException,
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
  Patch,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { CacheInterceptor, HttpCache, type HttpCacheRequest } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { productTag, type Product, type ProductListing } from './product.js';
import { ProductsService } from './products.service.js';

@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @Demonstrates('@Cacheable list tagged per category; conditional TTL: the catalog lives 1h, priced pages 1m')
  list(
    @Query('category') category: string | undefined,
    @Query('page', new DefaultValuePipe(1), ParseIntPipe) page: number,
  ): Promise<ProductListing> {
    if (category !== undefined && !/^[a-z-]{1,32}$/.test(category)) {
      throw new BadRequestException('category must be lowercase letters');
    }
    if (page < 1) throw new BadRequestException('page starts at 1');
    return this.products.list(category, page);
  }

  @Get(':id')
  @UseInterceptors(CacheInterceptor)
  @HttpCache({ ttl: '5m', tags: (request) => [productTag(routeParams(request).id)] })
  @Demonstrates(
    'CacheInterceptor: the whole HTTP response cached per URL, with X-Cache: HIT | MISS and a per-product tag',
  )
  async findOne(@Param('id', ParseIntPipe) id: number): Promise<Product> {
    const product = await this.products.findOne(id);
    if (!product) throw new NotFoundException(`product ${id} not found`);
    return product;
  }

  @Patch(':id/price')
  @Demonstrates(
    "Targeted invalidation: only the product's category pages are evicted, not the catalog or other categories",
  )
  updatePrice(@Param('id', ParseIntPipe) id: number, @Body() body: unknown): Promise<Product> {
    const priceCents = (body as { priceCents?: unknown } | undefined)?.priceCents;
    if (typeof priceCents !== 'number' || !Number.isInteger(priceCents) || priceCents < 0) {
      throw new BadRequestException('priceCents must be a non-negative integer');
    }
    return this.products.updatePrice(id, priceCents);
  }
}

/** Express and Fastify both put the matched route parameters on the request. */
function routeParams(request: HttpCacheRequest): Record<string, string> {
  return (request as HttpCacheRequest & { params: Record<string, string> }).params;
}
