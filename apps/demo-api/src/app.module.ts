import { type DynamicModule, Module } from '@nestjs/common';
import { ActivityModule } from './activity/activity.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CacheMetricsModule, CacheModule } from '@cachet/nestjs';
import { cacheOptions } from './cache/cache-options.factory.js';
import { CacheStatsModule } from './cache-stats/cache-stats.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DemoConfigModule } from './config/config.module.js';
import { DEMO_CONFIG, type DemoConfig } from './config/demo-config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LeaderboardModule } from './leaderboard/leaderboard.module.js';
import { ProfileFieldsModule } from './profile-fields/profile-fields.module.js';
import { ProductsModule } from './products/products.module.js';
import { QuotesModule } from './quotes/quotes.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { UsersModule } from './users/users.module.js';

/** The whole demo, built from one resolved config (tests pass their own). */
@Module({})
export class AppModule {
  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DemoConfigModule.forRoot(config),
        DatabaseModule,
        CacheModule.forRootAsync({ inject: [DEMO_CONFIG], useFactory: cacheOptions }),
        CacheMetricsModule.forRoot({ path: 'metrics' }),
        CatalogModule,
        HealthModule,
        UsersModule,
        ProductsModule,
        QuotesModule,
        ActivityModule,
        AuthModule,
        LeaderboardModule,
        ProfileFieldsModule,
        ReportsModule,
        CacheStatsModule,
        DashboardModule,
      ],
    };
  }
}
