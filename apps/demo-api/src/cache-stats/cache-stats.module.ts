import { Module } from '@nestjs/common';
import { CacheStatsController } from './cache-stats.controller.js';

@Module({ controllers: [CacheStatsController] })
export class CacheStatsModule {}
