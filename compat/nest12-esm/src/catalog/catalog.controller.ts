import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Put,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  CacheInterceptor,
  HttpCache,
  RateLimit,
  RateLimitGuard,
} from '@cachet/nestjs';
import { CatalogService, Product } from './catalog.service.js';

@Controller('products')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get(':id')
  find(@Param('id') id: string): Promise<Product> {
    return this.catalog.find(id);
  }

  @Put(':id')
  rename(
    @Param('id') id: string,
    @Body('name') name: string,
  ): Promise<Product> {
    return this.catalog.rename(id, name);
  }

  @Get(':id/page')
  @UseInterceptors(CacheInterceptor)
  @HttpCache({ ttl: '1m' })
  page(@Param('id') id: string): { id: string; renderedAt: number } {
    return { id, renderedAt: Date.now() };
  }

  @Post('search')
  @UseGuards(RateLimitGuard)
  @RateLimit({ name: 'search', limit: 2, window: '1m' })
  search(@Body('q') q: string): { q: string; results: Product[] } {
    return { q, results: [] };
  }
}
