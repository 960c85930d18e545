import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { testReport } from '../../vitest.shared.js';

export default defineConfig({
  plugins: [react()],
  test: {
    ...testReport,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'jsdom',
          // One jsdom per worker instead of per file: the suite is several times faster on 2 cores. The setup
          // file resets every piece of shared state after each test.
          isolate: false,
          include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
          setupFiles: ['src/testing/setup-tests.ts'],
          // Role queries walk the accessibility tree of a whole page in jsdom: slow on a busy 2-core machine.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
