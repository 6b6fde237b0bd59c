import { CacheConfigError } from '@cachet/core';

/**
 * The test functions a contract suite registers its cases with. Jest's and Vitest's globals fit as they
 * are; with `node:test`, pass `{ describe, it, beforeAll: before, afterAll: after }`. Assertions use
 * `node:assert`, so no `expect` is needed.
 */
export interface ContractTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  beforeAll(body: () => Promise<void>): void;
  afterAll(body: () => Promise<void>): void;
}

/** The functions passed in, else the runner's globals (Jest; Vitest with `globals: true`). */
export function resolveTestApi(test: ContractTestApi | undefined): ContractTestApi {
  if (test) return test;
  const globals = globalThis as Partial<ContractTestApi>;
  const { describe, it, beforeAll, afterAll } = globals;
  if (!describe || !it || !beforeAll || !afterAll) {
    throw new CacheConfigError(
      'test',
      undefined,
      'the test functions ({ describe, it, beforeAll, afterAll }) as the last argument, ' +
        'or a runner that provides them as globals (Jest; Vitest with globals: true)',
    );
  }
  return { describe, it, beforeAll, afterAll };
}
