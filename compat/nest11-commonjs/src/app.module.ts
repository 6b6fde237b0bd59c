import { Module } from '@nestjs/common';
import { CacheModule } from '@cachet/nestjs';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { CatalogController } from './catalog/catalog.controller';
import { CatalogService } from './catalog/catalog.service';

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
