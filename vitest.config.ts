// Three projects: `unit` (pure logic, seconds), `integration` (each file starts its own real
// stack: Kafka, Redis, nginx, producers, consumers) and `client` (the browser page's logic and
// components in a simulated DOM). `npm run test:unit` runs the fast part alone.
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,producer,consumer,stack}/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
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
