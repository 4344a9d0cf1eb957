// Runs once before the integration tests: ends processes that a killed earlier run left behind,
// and makes sure the tools and Kafka's jars are there so that each file's stack starts quickly.

import { consoleReporter, ensureKafkaDistribution, ensureTools, reapOrphans } from '@herald/stack'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { TEST_DATA_ROOT } from './stack.js'

export default async function setup(): Promise<void> {
  const reporter = consoleReporter((line) => process.stderr.write(`${line}\n`))
  if (existsSync(TEST_DATA_ROOT)) {
    for (const entry of readdirSync(TEST_DATA_ROOT)) {
      const dataDir = join(TEST_DATA_ROOT, entry)
      const ended = await reapOrphans(dataDir)
      if (ended.length > 0) reporter.warn(`ended ${ended.join(', ')} left by an earlier test run`)
      // A folder whose supervisor is gone belongs to no running test.
      if (ended.length > 0 || !existsSync(join(dataDir, 'pids.json'))) {
        rmSync(dataDir, { recursive: true, force: true })
      }
    }
  }
  await ensureTools(['java', 'maven', 'redis', 'nginx'], reporter)
  await ensureKafkaDistribution(reporter)
}
