// Four projects: `unit` (pure logic, seconds), `client` (the browser page's logic and components
// in a simulated DOM), `integration` (each file starts its own real stack: Kafka, Redis, nginx,
// producers, consumers) and `e2e` (the built page in Debian's Chromium against a real stack).
// `npm run test:unit` runs the fast part alone.
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{shared,producer,consumer,stack}/test/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'bench/test/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // One stack at a time: each file runs a Kafka JVM, and the machine has two cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'client',
          include: ['client/src/**/__tests__/*.spec.ts'],
          environment: 'happy-dom',
        },
      },
    ],
  },
})
