// Apache Kafka's own jars, resolved from Maven Central with Maven (stack/kafka/pom.xml) and cached
// outside the repository, so that only the first start of a machine downloads them.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { runCommand } from './commands.js'
import { cacheDir, REPO_ROOT } from './paths.js'
import type { Reporter } from './reporter.js'

/**
 * The newest Kafka line herald's Kafka client is tested against (its consumer-group protocol,
 * KIP-848, is generally available since 4.0). See README › Kafka.
 */
export const KAFKA_VERSION = '4.2.2'

export interface KafkaDistribution {
  version: string
  libsDir: string
  /** A `java -cp` value with every jar. */
  classpath: string
}

export async function ensureKafkaDistribution(
  reporter: Reporter,
  version = KAFKA_VERSION,
): Promise<KafkaDistribution> {
  const home = join(cacheDir(), `kafka-${version}`)
  const libsDir = join(home, 'libs')
  const distribution = { version, libsDir, classpath: join(libsDir, '*') }
  if (existsSync(join(home, 'complete'))) return distribution

  await reporter.step(
    `Downloading Apache Kafka ${version} from Maven Central (first run only, about 60 MB)`,
    async (progress) => {
      mkdirSync(home, { recursive: true })
      // Resolve into a private folder and move it in place at the end: a run that was cut off, or
      // one running alongside, never leaves a half-filled libs/ behind.
      const staging = join(home, `staging-${process.pid}`)
      rmSync(staging, { recursive: true, force: true })
      let downloaded = 0
      await runCommand(
        'mvn',
        [
          '--batch-mode',
          '-f',
          join(REPO_ROOT, 'stack', 'kafka', 'pom.xml'),
          `-Dkafka.version=${version}`,
          `-DoutputDirectory=${staging}`,
          'dependency:copy-dependencies',
        ],
        {
          onLine: (line) => {
            if (line.includes('Downloaded from')) progress(`${++downloaded} files fetched`)
          },
        },
      )
      const jars = readdirSync(staging).filter((name) => name.endsWith('.jar'))
      if (!jars.some((name) => name.startsWith(`kafka_2.13-${version}`))) {
        throw new Error(`Maven resolved no Kafka ${version} broker jar into ${staging}`)
      }
      rmSync(libsDir, { recursive: true, force: true })
      renameSync(staging, libsDir)
      writeFileSync(join(home, 'complete'), `${jars.length} jars\n`)
    },
  )
  return distribution
}
