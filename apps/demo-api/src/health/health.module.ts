import { Module } from '@nestjs/common';
import { CacheHealthIndicator } from '@cachet/nestjs';
import { HealthController } from './health.controller.js';

@Module({ controllers: [HealthController], providers: [CacheHealthIndicator] })
export class HealthModule {}
