import { CachetError, ErrorCodes } from '@cachet/core';

/**
 * The cache module wired in a way that cannot work, such as
 * `CacheModule.forFeature()` in an app that never imported `forRoot`. Thrown
 * at bootstrap, saying what to import where.
 */
export class CacheModuleSetupError extends CachetError {
  readonly code = ErrorCodes.config;
}
