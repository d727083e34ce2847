import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworkImports = ['typeorm', 'type-graphql', 'graphql', 'graphql/*', '@apollo/*', 'mysql2', 'mysql2/*', 'dataloader', 'better-sqlite3', 'ioredis'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': 'off',
    },
  },
  {
    // The domain is plain TypeScript: no framework, no I/O, no environment. Rules take `asOf`,
    // rates and rounding as parameters so they can be tested and replayed for any date.
    files: ['subgraphs/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: frameworkImports, message: 'src/domain must stay free of framework imports.' }],
      }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'src/domain must not read process.env.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/domain must not touch the process.' }],
    },
  },
);
