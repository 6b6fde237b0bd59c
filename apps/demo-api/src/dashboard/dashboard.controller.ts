import { Controller, Get, Header } from '@nestjs/common';
import { SkipRateLimit } from '@cachet/nestjs';
import { Demonstrates } from '../catalog/demonstrates.decorator.js';
import { DASHBOARD_PAGE } from './dashboard.page.js';
import { DashboardSampler, type DashboardSample } from './dashboard-sampler.service.js';

@Controller('dashboard')
@SkipRateLimit() // watching the refusals must not cause any
export class DashboardController {
  constructor(private readonly sampler: DashboardSampler) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Demonstrates('A live page plotting hit rate, loads, write-behind queue depth and refused requests')
  page(): string {
    return DASHBOARD_PAGE;
  }

  @Get('data')
  @Demonstrates('The figures behind /dashboard: one sample per second over the last ten minutes')
  data(): { intervalMs: number; samples: DashboardSample[] } {
    return { intervalMs: this.sampler.intervalMs, samples: this.sampler.history() };
  }
}
