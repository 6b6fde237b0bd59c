import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Param, Scope, type INestApplication } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import request from 'supertest';
import { Cacheable } from '../../src/index.js';
import { bootCacheApp } from '../support/test-app.js';
import { uniqueNamespace } from '@cachet/testing';

/** Shared by every request-scoped instance, so the test can count real loads across requests. */
@Injectable()
class LoadCounter {
  loads = 0;
  instances = 0;
}

@Injectable({ scope: Scope.REQUEST })
class TenantReportService {
  private readonly tenant: string;

  constructor(
    @Inject(REQUEST) req: { headers: Record<string, string | undefined> },
    private readonly counter: LoadCounter,
  ) {
    this.tenant = req.headers['x-tenant'] ?? 'none';
    counter.instances += 1;
  }

  @Cacheable({
    key: function (this: TenantReportService, year: string) {
      return `report:${this.tenant}:${year}`;
    },
  })
  async report(year: string): Promise<{ tenant: string; year: string; load: number }> {
    this.counter.loads += 1;
    return { tenant: this.tenant, year, load: this.counter.loads };
  }
}

@Controller('reports')
class ReportsController {
  constructor(private readonly reports: TenantReportService) {}

  @Get(':year')
  report(@Param('year') year: string) {
    return this.reports.report(year);
  }
}

describe('@Cacheable on a request-scoped provider', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootCacheApp(
      { controllers: [ReportsController], providers: [TenantReportService, LoadCounter] },
      { namespace: uniqueNamespace('request-scoped') },
    );
  });

  afterAll(() => app.close());

  it('caches across requests although each request builds its own instance', async () => {
    const server = app.getHttpServer();
    const first = await request(server).get('/reports/2024').set('x-tenant', 'acme').expect(200);
    const second = await request(server).get('/reports/2024').set('x-tenant', 'acme').expect(200);
    const other = await request(server).get('/reports/2024').set('x-tenant', 'globex').expect(200);
    const counter = app.get(LoadCounter);
    expect(counter.instances).toBeGreaterThanOrEqual(3);
    expect(second.body).toEqual(first.body);
    expect(first.body).toEqual({ tenant: 'acme', year: '2024', load: 1 });
    expect(other.body).toEqual({ tenant: 'globex', year: '2024', load: 2 });
    expect(counter.loads).toBe(2);
  });
});
