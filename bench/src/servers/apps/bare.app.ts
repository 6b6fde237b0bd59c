import { Controller, Get, Module } from '@nestjs/common';
import { ProductSource } from '../product.source.js';

/** The route with nothing in front of it: the ceiling for the others. */
@Controller()
class BareController {
  constructor(private readonly source: ProductSource) {}

  @Get('product')
  product(): Record<string, unknown> {
    return this.source.load();
  }
}

@Module({ controllers: [BareController], providers: [ProductSource] })
class BareModule {}

export async function buildModule(): Promise<unknown> {
  return BareModule;
}
