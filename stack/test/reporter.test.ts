import { describe, expect, it } from 'vitest'

import { consoleReporter } from '../src/reporter.js'

describe('consoleReporter', () => {
  it('says a slow step is still running, keeping its proper names, and how long it took', async () => {
    const lines: string[] = []
    const reporter = consoleReporter((line) => lines.push(line), 5)
    await reporter.step('Downloading Apache Kafka from Maven Central', async (progress) => {
      progress('3 files fetched')
      // Ends once the heartbeat has spoken: bounded by the test's own timeout, no fixed sleep.
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (lines.length > 1) {
            clearInterval(check)
            resolve()
          }
        }, 1)
      })
    })
    expect(lines[0]).toBe('herald ▸ Downloading Apache Kafka from Maven Central…')
    expect(lines[1]).toMatch(
      /^herald ▸ {3}still downloading Apache Kafka from Maven Central \(\d+ s, 3 files fetched\)$/,
    )
    expect(lines.at(-1)).toMatch(
      /^herald ▸ Downloading Apache Kafka from Maven Central: done in \d+\.\d s$/,
    )
  })
})
