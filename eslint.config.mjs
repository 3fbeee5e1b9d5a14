// Lint: typescript-eslint's type-checked rules for all TypeScript; the orchestrators additionally
// may not reach I/O, clocks, randomness or the environment (a replay must take the same path).
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier';

const NO_SIDE_EFFECT_IMPORTS = {
  patterns: [
    {
      group: [
        'node:*',
        'fs',
        'http',
        'https',
        'net',
        'tls',
        'crypto',
        'child_process',
        'os',
        'dns',
        'undici',
        '@azure/storage-*',
        '@azure/data-tables',
        '@azure/communication-email',
        '@azure/identity',
      ],
      message: 'orchestrators are replayed: no I/O modules (call an activity instead).',
    },
    {
      group: ['../adapters/*', '../activities/*', '../functions/*', '@offer-go-live/devhost'],
      allowTypeImports: true,
      message: 'orchestrators import domain/ and durable-functions only (type imports are fine).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'portal/**',
      'test/fixtures/**',
      'packages/*/test/fixtures/**',
      'packages/*/dist/**',
      '**/*.js',
      '**/*.mjs',
      '.azurite/**',
      'test-artifacts/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  // Layout is Prettier's (npm run format); ESLint keeps to correctness.
  prettierConfig,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Functions handlers and the stores' methods are async by contract, whether or not they await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['orchestrators/**/*.ts'],
    rules: {
      // What a `yield` gives back is untyped in durable-functions; each one is annotated where used.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      'no-restricted-imports': ['error', NO_SIDE_EFFECT_IMPORTS],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'use context.df.currentUtcDateTime: a replay must see the same time.',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'no randomness in an orchestrator: a replay must take the same path.',
        },
        {
          object: 'process',
          property: 'env',
          message: 'settings come in the orchestration input, read by the starter.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date']",
          message: 'use context.df.currentUtcDateTime: a replay must see the same time.',
        },
        {
          selector: 'CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate|fetch|require)$/]',
          message: 'no timers, I/O or dynamic requires in an orchestrator: use durable timers and activities.',
        },
        { selector: "MemberExpression[object.name='crypto']", message: 'no randomness in an orchestrator.' },
      ],
    },
  },
  {
    // One copy of each rule: random ids come from adapters/ids/new-id.ts, and activities are
    // registered only in activities/register.ts, where the real adapters are wired.
    files: ['functions/**/*.ts', 'activities/**/*.ts', 'adapters/**/*.ts', 'domain/**/*.ts'],
    ignores: ['adapters/ids/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:crypto', importNames: ['randomUUID'], message: 'use newId() from adapters/ids/new-id.' },
            { name: 'crypto', importNames: ['randomUUID'], message: 'use newId() from adapters/ids/new-id.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.property.name='app'][callee.property.name='activity']",
          message: 'activities are registered in activities/register.ts, built from their factories.',
        },
      ],
    },
  },
  {
    files: ['activities/register.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The devhost is its own package: it runs any Functions app and knows nothing of this one; its
    // ids come from core/ids.ts.
    files: ['packages/devhost/**/*.ts'],
    ignores: ['packages/devhost/src/core/ids.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'node:crypto', importNames: ['randomUUID'], message: 'ids come from core/ids.ts.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+(functions|orchestrators|activities|domain|adapters|tools|bench|portal)(/|$)',
              message: 'the devhost imports nothing of the app it runs.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests probe untyped JSON answers and browser globals on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
