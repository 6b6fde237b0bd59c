import { Controller, Get, Inject } from '@nestjs/common';
import { DEMO_CONFIG, type DemoConfig } from '../config/demo-config.js';
import { Demonstrates } from './demonstrates.decorator.js';
import { EndpointCatalog, type EndpointEntry } from './endpoint-catalog.js';

@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: EndpointCatalog,
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
  ) {}

  @Get()
  @Demonstrates('This list: every route of the demo and what it shows')
  index(): { name: string; store: DemoConfig['store']; database: string; docs: string; endpoints: EndpointEntry[] } {
    return {
      name: 'Cachet demo API',
      store: this.config.store,
      database: this.config.database.kind,
      docs: 'docs/demo.md',
      endpoints: this.catalog.list(),
    };
  }
}
