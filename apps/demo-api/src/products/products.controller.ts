import {
  BadRequestException,
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  Param,
  ParseIntPipe,
  Patch,
  Query,
} from '@nestjs/common';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import type { Product, ProductListing } from './product.js';
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
