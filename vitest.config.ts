import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node loads graphql's CommonJS build for every package in node_modules (type-graphql,
// @apollo/subgraph); Vite would give our sources the ESM build, and two copies of graphql
// cannot share a schema. Point our sources at the one Node uses.
const graphqlFromNode = createRequire(new URL('./packages/graphql-kit/package.json', import.meta.url)).resolve('graphql');

// One config, four projects: pure unit tests beside the code, integration tests against the
// real MariaDB/Redis, end-to-end tests through the gateway, and fault tests on separate processes.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlFromNode }] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'gateway/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'subgraphs/*/src/**/*.int.test.ts', 'gateway/src/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Fault tests and the one-minute soak: the gateway and the subgraphs as separate
          // processes (test/faults/topology.ts), killed, stopped and restarted. One file at a time.
          name: 'faults',
          include: ['test/faults/**/*.faults.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
