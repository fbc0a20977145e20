import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['services/*/test/**/*.test.ts', 'actions/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // The last line of a run is "Tests: N passed, N failed, N skipped" so an empty run is visible.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
