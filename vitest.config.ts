import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['services/*/test/**/*.test.ts', 'actions/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Dummy credentials: tests only ever talk to dynalite and moto on 127.0.0.1, never to AWS.
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // The last line of a run is "Tests: N passed, N failed, N skipped" so an empty run is visible.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
