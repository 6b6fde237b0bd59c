// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Packages talk to each other only through their public index.ts (the package name). */
const crossPackageImports = {
  group: [
    '@cachet/*/*',
    '!@cachet/nestjs/cache-manager',
    '!@cachet/core/store',
    '**/packages/*/src/**',
    '**/packages/*/dist/**',
    '**/apps/*/src/**',
    '**/core/src/**',
    '**/nestjs/src/**',
    '**/testing/src/**',
  ],
  message:
    "Import another package through its public name ('@cachet/core') or a documented entry point ('@cachet/core/store', '@cachet/nestjs/cache-manager'), never its files.",
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**', 'compat/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [crossPackageImports] }],
    },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossPackageImports,
            {
              group: ['@nestjs/*', '@cachet/nestjs'],
              message: '@cachet/core is framework-free: it never imports Nest.',
            },
          ],
        },
      ],
    },
  },
  {
    // The demo is an application: it uses what users use.
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossPackageImports,
            {
              group: ['@cachet/core/store'],
              message:
                "An application needs only '@cachet/core' and '@cachet/nestjs'; the store subpath is for store authors and adapters.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // No import cycles inside a package: each file's dependencies form a tree you can read bottom-up.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['packages/*/tsconfig.json', 'apps/*/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
);
