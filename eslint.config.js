import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config reads the environment.' },
      ],
      'no-console': 'error',
    },
  },
  prettier,
  {
    // Outside the broker's runtime: tooling, tests and CLIs may read the environment and print.
    files: [
      'src/config/**',
      'src/main.ts',
      'test/**',
      'bench/**',
      'scripts/**',
      'src/cli/**',
      '*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
    languageOptions: { globals: { require: 'readonly', module: 'writable', fetch: 'readonly' } },
    rules: {
      'no-restricted-properties': 'off',
      'no-console': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
