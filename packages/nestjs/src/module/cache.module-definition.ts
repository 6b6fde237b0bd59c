import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './cache-module.options.js';

export const {
  ConfigurableModuleClass: ConfigurableCacheModule,
  MODULE_OPTIONS_TOKEN: CACHE_MODULE_RAW_OPTIONS,
  OPTIONS_TYPE: CACHE_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CACHE_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheModuleOptions>({ moduleName: 'Cache' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCacheOptions')
  // Global by default: decorated classes anywhere in the app receive the runtime by property injection.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** `CacheModule.forRoot(options)`: the module options plus `isGlobal` (default `true`). */
export type CacheModuleForRootOptions = typeof CACHE_MODULE_OPTIONS_TYPE;
/** `CacheModule.forRootAsync({ imports, inject, useFactory | useClass | useExisting, isGlobal })`. */
export type CacheModuleAsyncOptions = typeof CACHE_MODULE_ASYNC_OPTIONS_TYPE;

/** What `useClass` / `useExisting` providers implement. */
export interface CacheOptionsFactory {
  createCacheOptions(): CacheModuleOptions | Promise<CacheModuleOptions>;
}
