// ESLint for the TypeScript sources, tests, benchmarks and build scripts (`npm run lint`).
// Type-aware: every .ts file is checked with the tsconfig that compiles it (the host's, or
// the webview's own), so the rules that catch real bugs (a promise nobody awaits, a promise
// where a callback expects void, an await of something that is not a promise) see the types.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'media/dist/**',
      'node_modules/**',
      '.cache/**',
      'test-artifacts/**',
      'bench-results/**',
      'runs/**',
      // AssemblyScript: TypeScript syntax, but its own types (i32, f64, v128) and compiler.
      'src/core/wasm/assembly/**',
      // Research scripts (Python first, a few Node helpers) are not part of the product.
      'research/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises that the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      // An unused name that starts with _ is deliberate: a rest-destructuring that drops keys.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Rethrowing or rejecting with what a catch received (typed unknown) is fine; a string is not.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Off: async methods without await implement Promise-returning interfaces (engines, tree
      // nodes, test callbacks); the rule would ask for Promise.resolve wrappers instead.
      '@typescript-eslint/require-await': 'off',
      // Off: require() is how optional or heavy modules are loaded lazily and synchronously
      // (tfjs-node, playwright-core, a worker's task module); each one is typed with `as`.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Off in tests only: they read JSON (the manifest, the files a run writes) and values from
    // Playwright's page callbacks, whose DOM types the Node test program does not load, as
    // untyped data on purpose; their assertions are the check of its shape.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Arrays in assertion messages print as "1,2,3", which is what a failure should show.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowArray: true }],
    },
  },
  {
    // The kernel interfaces describe WebAssembly exports, which never use `this`.
    files: ['src/core/linalg/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Rethrows what a catch received once the helper threads have finished (narrowed from unknown).
    files: ['src/core/linalg/kernelThreads.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    // TypeScript narrows `stepFlushPending`, which a callback assigns, to its initial null.
    files: ['src/core/train/trainingJob.ts'],
    rules: { '@typescript-eslint/await-thenable': 'off' },
  },
  {
    // safeFileName strips control characters from file names on purpose.
    files: ['src/extension/inspector/hostMessages.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Runs its callbacks inside a headless browser page.
    files: ['scripts/render-icon.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Build, test-runner and e2e scripts: plain ES modules run by Node, outside any tsconfig.
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { ...globals.node },
    },
  },
);
