// A real stack per test file, on free ports and in its own data folder, so tests never touch a
// developer's running `npm start` stack.

import {
  consoleReporter,
  silentReporter,
  startStack,
  UNLIMITED_ENV,
  type RunningStack,
} from '@herald/stack'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'

import { closeSubscribers } from './sockets.js'

export const TEST_DATA_ROOT = join(import.meta.dirname, '..', '..', '.herald', 'test-stacks')

export interface TestStackOptions {
  producers?: number
  consumers?: number
  /** Kafka brokers: 1, or a cluster of 3. */
  brokers?: number
  serviceEnv?: Record<string, string>
  /** Runs Prometheus too, on a free port, scraping this often. */
  monitoring?: { scrapeIntervalSeconds: number }
}

/** Starts Kafka, Redis, nginx and the services; `stop()` ends them and removes their data. */
export async function startTestStack({
  producers = 2,
  consumers = 2,
  brokers = 1,
  serviceEnv = {},
  monitoring,
}: TestStackOptions = {}): Promise<RunningStack> {
  mkdirSync(TEST_DATA_ROOT, { recursive: true })
  const dataDir = mkdtempSync(join(TEST_DATA_ROOT, 'stack-'))
  // HERALD_TEST_VERBOSE=1 shows the stack's progress lines while debugging a test.
  const reporter = process.env.HERALD_TEST_VERBOSE
    ? consoleReporter((line) => process.stderr.write(`${line}\n`))
    : silentReporter
  const stack = await startStack({
    producers,
    consumers,
    brokers,
    port: 0,
    kafkaPort: 0,
    dataDir,
    reporter,
    // Tests not about limits never meet one; access is open unless a test passes keys.
    serviceEnv: { LOG_LEVEL: 'info', ...UNLIMITED_ENV, ...serviceEnv },
    ...(monitoring ? { monitoring: { port: 0, ...monitoring } } : {}),
  }).catch((error: unknown) => {
    console.error(`test stack failed to start; logs are in ${dataDir}`)
    throw error
  })
  return {
    ...stack,
    async stop() {
      await stack.stop()
      // HERALD_TEST_KEEP_DATA=1 keeps the logs of every instance for a post-mortem.
      if (!process.env.HERALD_TEST_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * One stack for the test file that calls it: started before its first test, stopped after its
 * last, with every subscriber closed after each test. Returns the running stack's accessor.
 */
export function useTestStack(options: TestStackOptions = {}): () => RunningStack {
  let stack: RunningStack | undefined
  beforeAll(async () => {
    stack = await startTestStack(options)
  })
  afterEach(() => closeSubscribers())
  afterAll(async () => {
    await stack?.stop()
  })
  return () => {
    if (stack === undefined) throw new Error('the test stack did not start')
    return stack
  }
}
