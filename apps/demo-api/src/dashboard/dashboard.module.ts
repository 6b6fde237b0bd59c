import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardSampler } from './dashboard-sampler.service.js';

/** `/dashboard`: a live view of the cache, the write-behind queue and the rate limits. */
@Module({ controllers: [DashboardController], providers: [DashboardSampler] })
export class DashboardModule {}
