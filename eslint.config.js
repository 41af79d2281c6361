// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O. The search
    // attribute keys workflows upsert are bundled with them; the clients that callers drive the
    // workflows with run outside it.
    files: ['workflows/**/*.ts', 'lib/temporal-search-attributes.ts'],
    ignores: ['workflows/*-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'crypto', 'mongoose', 'express', 'pino*'],
              message: 'Workflows must stay deterministic: do side effects in activities.',
            },
            {
              group: ['../activities/*', '../activities/**'],
              message: 'Workflows may only `import type` from activities.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // FerretDB v1 on SQLite wedges on an update command that matches many documents at once:
    // bulk replaces go through lib/mongo/replace-by-id.ts, which keeps each command small.
    files: ['**/*.ts'],
    ignores: ['lib/mongo/replace-by-id.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='bulkWrite']",
          message: 'Use replaceManyById (lib/mongo/replace-by-id.ts): large bulk writes wedge FerretDB v1.',
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.{ts,mjs}', 'test/**/*.{ts,mjs}'],
    rules: { 'no-console': 'off' },
  },
);
