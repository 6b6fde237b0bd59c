import type { Config } from 'jest';

// Tests run on the TypeScript sources: each package's public name maps to its
// src/index.ts, so a test never sees a stale dist/ and deep imports stay impossible.
const moduleNameMapper = {
  '^@cachet/(core|nestjs|testing)$': '<rootDir>/../../packages/$1/src/index.ts',
  '^@cachet/core/store$': '<rootDir>/../../packages/core/src/store/index.ts',
  '^@cachet/nestjs/cache-manager$': '<rootDir>/../../packages/nestjs/src/cache-manager/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../../tsconfig.spec.json' }],
};

function project(displayName: string, rootDir: string, overrides: Config = {}): Config {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper,
    transform,
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
    ...overrides,
  };
}

const config: Config = {
  projects: [
    project('core', '<rootDir>/packages/core'),
    project('nestjs', '<rootDir>/packages/nestjs', {
      // Mercurius loads @fastify/static, which require()s content-disposition 3, an ES module: Node (20.19+)
      // loads it, Jest's runtime on Node 20 cannot. Tests get the CommonJS 2.x Express brings (the same API).
      moduleNameMapper: {
        ...moduleNameMapper,
        '^content-disposition$': '<rootDir>/../../node_modules/content-disposition/dist/index.js',
      },
    }),
    project('testing', '<rootDir>/packages/testing'),
    // Each demo spec boots the whole app on an embedded PGlite database first, which takes seconds on a busy machine.
    project('demo-api', '<rootDir>/apps/demo-api', { testTimeout: 90_000 }),
  ],
  globalSetup: '@cachet/testing/jest-global-setup',
  globalTeardown: '@cachet/testing/jest-global-teardown',
  testTimeout: 30_000,
};

export default config;
