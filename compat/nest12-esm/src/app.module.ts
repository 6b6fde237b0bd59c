import { Module } from '@nestjs/common';
import { CacheModule } from '@cachet/nestjs';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { CatalogService } from './catalog/catalog.service.js';

@Module({
  imports: [
    CacheModule.forRootAsync({
      useFactory: () => ({
        redis: process.env.REDIS_URL ?? 'redis://localhost:6379',
        namespace: process.env.CACHE_NAMESPACE ?? 'app',
      }),
    }),
  ],
  controllers: [AppController, CatalogController],
  providers: [AppService, CatalogService],
})
export class AppModule {}
