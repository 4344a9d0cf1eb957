#!/usr/bin/env node
// npm run bench: starts its own stacks (or uses a running one), runs every scenario for a bounded
// time, prints one line per scenario and the table, and writes bench/results/<date>.{json,md,svg}.

import { writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

import { summarizeProfiles } from './monitor/profile-summary.js'
import { parseBenchOptions, USAGE, UsageError } from './options.js'
import { DEFAULT_RESULTS_DIR } from './paths.js'
import { benchRunner } from './plan.js'
import { writeResults } from './report/write-results.js'

const args = process.argv.slice(2)
if (args.includes('--help')) {
  console.log(USAGE)
  process.exit(0)
}

try {
  const options = parseBenchOptions(args, DEFAULT_RESULTS_DIR)
  const commandLine = ['node', relative(process.cwd(), process.argv[1] ?? ''), ...args].join(' ')
  const runner = benchRunner(options, commandLine)
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      console.error(`bench: ${signal}, stopping the stack`)
      void runner.abort().finally(() => process.exit(130))
    })
  }
  const run = await runner.run()
  const { files, markdown } = await writeResults(run, options.outDir)
  console.log(`\n${markdown}`)
  for (const file of files) console.log(`bench ▸ wrote ${relative(process.cwd(), file)}`)
  if (options.cpuProf) {
    const summaryFile = join(options.outDir, 'profiles', 'summary.md')
    writeFileSync(summaryFile, summarizeProfiles(join(options.outDir, 'profiles')))
    console.log(`bench ▸ wrote ${relative(process.cwd(), summaryFile)}`)
  }
  // Forked children and sockets may linger a moment; the run is over.
  process.exit(run.failures.length > 0 ? 1 : 0)
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(`bench: ${message}`)
  if (error instanceof UsageError) console.error(USAGE)
  process.exit(1)
}
