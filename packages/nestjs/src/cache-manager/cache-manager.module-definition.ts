import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './cache-manager.options.js';

export const { ConfigurableModuleClass: ConfigurableCacheManagerModule, MODULE_OPTIONS_TOKEN: CACHE_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<CacheModuleOptions>({ moduleName: 'Cache' })
    .setFactoryMethodName('createCacheOptions')
    .build();
