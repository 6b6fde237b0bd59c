import { type DynamicModule, Module } from '@nestjs/common';
import { DEMO_CONFIG, type DemoConfig } from './demo-config.js';

@Module({})
export class DemoConfigModule {
  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: DemoConfigModule,
      global: true,
      providers: [{ provide: DEMO_CONFIG, useValue: config }],
      exports: [DEMO_CONFIG],
    };
  }
}
