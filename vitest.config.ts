import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./shared/src', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of @accord/shared, never a stale build.
    alias: [{ find: /^@accord\/shared(\/.*)?$/, replacement: `${shared}$1` }],
  },
  test: {
    include: [
      'shared/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'client/test/**/*.test.{ts,tsx}',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/setup/summaryReporter.ts'],
  },
});
