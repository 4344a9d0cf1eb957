#!/usr/bin/env node
// herald-stack: `start` runs the native stack in the foreground until Ctrl-C or SIGTERM;
// `prepare` only installs what the stack and the tests need (Debian packages, Kafka's jars).

import { parseStartOptions, USAGE, UsageError } from './cli-options.js'
import { ensureKafkaDistribution } from './kafka-distribution.js'
import { DEFAULT_DATA_DIR } from './paths.js'
import { ensureTools, type ToolName } from './prerequisites.js'
import { consoleReporter } from './reporter.js'
import { startStack } from './stack.js'

const reporter = consoleReporter()

async function start(args: readonly string[]): Promise<void> {
  const { monitoring, prometheusPort, ...options } = parseStartOptions(args, process.env)
  const started = Date.now()
  const dataDir = process.env.HERALD_DATA_DIR ?? DEFAULT_DATA_DIR
  const stack = await startStack({
    ...options,
    ...(monitoring ? { monitoring: { port: prometheusPort } } : {}),
    dataDir,
    reporter,
  })

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    reporter.info(`${signal}: stopping everything`)
    stack.stop().then(
      () => {
        reporter.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        reporter.warn(`stop failed: ${(error as Error).message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', stop)

  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const entry = stack.url.replace('127.0.0.1', 'localhost')
  reporter.info(`logs and data in ${dataDir}`)
  reporter.info(
    `ready in ${seconds} s: ${entry} (POST ${entry}/notify, Socket.IO at ${entry}/socket.io/)`,
  )
}

async function prepare(args: readonly string[]): Promise<void> {
  const tools: ToolName[] = ['java', 'maven', 'redis', 'nginx', 'prometheus', 'promtool', 'compose']
  if (args.includes('--browser')) tools.push('chromium')
  await ensureTools(tools, reporter)
  await ensureKafkaDistribution(reporter)
}

const [command = 'start', ...rest] = process.argv.slice(2)
const commands: Record<string, (args: readonly string[]) => Promise<void>> = { start, prepare }
const run = commands[command]
if (run === undefined) {
  console.error(`unknown command ${command}\n${USAGE}`)
  process.exit(2)
}
run(rest).catch((error: unknown) => {
  // One clear line for the problems a person can fix; the stack for anything else.
  const message = error instanceof Error ? error.message : String(error)
  console.error(`herald: ${message}`)
  if (error instanceof UsageError) console.error(USAGE)
  process.exit(1)
})
