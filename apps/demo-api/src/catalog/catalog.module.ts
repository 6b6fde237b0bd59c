import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CatalogController } from './catalog.controller.js';
import { EndpointCatalog } from './endpoint-catalog.js';

@Module({ imports: [DiscoveryModule], controllers: [CatalogController], providers: [EndpointCatalog] })
export class CatalogModule {}
