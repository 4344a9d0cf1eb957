// The start command as a person runs it: progress, addresses, a ready line, a working entry
// point, a clear one-line error for a taken port, and nothing left behind after SIGTERM.

import { ACCESS_VARS, KAFKA_VERSION } from '@herald/stack'
import type { PublishReceipt } from '@herald/shared'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

import { postNotify } from '../support/http.js'
import { TEST_DATA_ROOT } from '../support/stack.js'
import { waitUntil } from '../support/wait.js'

const REPO_ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(REPO_ROOT, 'stack', 'dist', 'cli.js')

interface Run {
  child: ChildProcess
  dataDir: string
  output: () => string
  exited: Promise<number | null>
}

const cleanups: (() => void | Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The stack's CLI run directly, or `npm start` as a person (or a process manager) runs it. */
function runStart(
  args: string[],
  { viaNpm = false, dataDir = newDataDir() }: { viaNpm?: boolean; dataDir?: string } = {},
): Run {
  const [command, commandArgs] = viaNpm
    ? ['npm', ['start', '--', ...args]]
    : [process.execPath, [CLI, 'start', ...args]]
  const child = spawn(command, commandArgs, {
    cwd: REPO_ROOT,
    env: { ...withoutAccessSettings(process.env), HERALD_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { child, dataDir, output: () => output, exited }
}

function newDataDir(): string {
  mkdirSync(TEST_DATA_ROOT, { recursive: true })
  return mkdtempSync(join(TEST_DATA_ROOT, 'start-'))
}

async function listeningServer(): Promise<{ server: Server; port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return { server, port: address.port }
}

async function waitForReady(run: Run): Promise<void> {
  await waitUntil(
    () => {
      if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.output()}`)
      return /ready in .* http:\/\/localhost:\d+/.test(run.output())
    },
    { timeoutMs: 50_000, what: 'the ready line' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\noutput:\n${run.output()}`)
  })
}

function recordedPids(dataDir: string): { supervisor: number; processes: number[] } {
  const record = JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as {
    supervisor: number
    processes: Record<string, { pid: number }>
  }
  return {
    supervisor: record.supervisor,
    processes: Object.values(record.processes).map((p) => p.pid),
  }
}

/** One producer and one consumer on entry and Kafka ports chosen here, so a rerun can reuse them. */
async function smallStackOnFixedPorts(): Promise<{ args: string[]; port: number }> {
  const [port, kafkaPort] = [await freePortNumber(), await freePortNumber()]
  const args = ['--producers', '1', '--consumers', '1', '--port', String(port)]
  return { args: [...args, '--kafka-port', String(kafkaPort)], port }
}

async function freePortNumber(): Promise<number> {
  const { server, port } = await listeningServer()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('npm start (herald-stack start)', () => {
  it('starts the stack with the requested scale, serves :port, and stops everything on SIGTERM', async () => {
    const [port, kafkaPort] = [await freePortNumber(), await freePortNumber()]
    const run = runStart([
      '--producers',
      '3',
      '--consumers',
      '2',
      '--port',
      String(port),
      '--kafka-port',
      String(kafkaPort),
    ])
    await waitForReady(run)
    const output = run.output()
    expect(output).toContain(`Starting Kafka ${KAFKA_VERSION} on 127.0.0.1:${kafkaPort}`)
    for (const name of ['producer-1', 'producer-2', 'producer-3', 'consumer-1', 'consumer-2']) {
      expect(output).toMatch(new RegExp(`${name} on http://127\\.0\\.0\\.1:\\d+`))
    }
    expect(output).not.toMatch(/producer-4|consumer-3/)
    expect(output).toContain(`http://localhost:${port}`)
    // No access setting in this environment: open, on purpose, saying so and how to turn keys on.
    expect(output).toContain('running OPEN')
    expect(output).toContain('npm run -s key -- --name me --publish "*" --create-topics')

    const answer = await postNotify<PublishReceipt>(`http://127.0.0.1:${port}`, {
      topic: 'start-command',
      message: 'hi',
    })
    expect(answer.status).toBe(202)

    expect(output).toContain(`logs and data in ${run.dataDir}`)
    const pids = recordedPids(run.dataDir).processes
    expect(pids).toHaveLength(1 + 1 + 3 + 2 + 1)

    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.output()).toContain('stopped')
    for (const pid of pids) expect(isRunning(pid)).toBe(false)
  })

  it('stops everything when npm itself is sent SIGTERM (npm passes it to a shell that drops it)', async () => {
    const { args } = await smallStackOnFixedPorts()
    const run = runStart(args, { viaNpm: true })
    await waitForReady(run)
    const { supervisor, processes } = recordedPids(run.dataDir)
    expect(isRunning(supervisor)).toBe(true)

    run.child.kill('SIGTERM')
    await run.exited
    await waitUntil(() => [supervisor, ...processes].every((pid) => !isRunning(pid)), {
      timeoutMs: 20_000,
      what: 'the supervisor and every process it started to exit',
    })
  })

  it('ends what a SIGKILLed supervisor left running when it starts again on the same ports', async () => {
    const { args, port } = await smallStackOnFixedPorts()
    const first = runStart(args)
    await waitForReady(first)
    const { supervisor, processes } = recordedPids(first.dataDir)
    // No chance to stop anything: Kafka, Redis, nginx and the services keep running, ports held.
    process.kill(supervisor, 'SIGKILL')
    await first.exited
    expect(processes.every(isRunning)).toBe(true)

    const second = runStart(args, { dataDir: first.dataDir })
    await waitForReady(second)
    const ended = /ended (.*) left running by an earlier stack/.exec(second.output())?.[1]
    // nginx included: it rewrites its command line, so it is known by its start time instead.
    expect(ended?.split(', ').sort()).toEqual([
      'consumer-1',
      'kafka',
      'nginx',
      'producer-1',
      'redis',
    ])
    for (const pid of processes) expect(isRunning(pid)).toBe(false)
    const answer = await postNotify<PublishReceipt>(`http://127.0.0.1:${port}`, {
      topic: 'start-command-again',
      message: 'hi',
    })
    expect(answer.status).toBe(202)
  })

  it('refuses a taken entry port with one clear line', async () => {
    const { port } = await listeningServer()
    const run = runStart(['--port', String(port)])
    expect(await run.exited).toBe(1)
    expect(run.output()).toContain(`herald: port ${port} (the entry point) is already in use`)
  })

  it('refuses a bad flag with the usage', async () => {
    const run = runStart(['--producers', 'many'])
    expect(await run.exited).toBe(1)
    expect(run.output()).toContain('--producers must be an integer')
    expect(run.output()).toContain('usage: npm start --')
  })
})

/** Alive and not a zombie: an orphan's exit is reaped by init, which a container may not run. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** The environment without any access setting, whatever the developer's shell holds. */
function withoutAccessSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !(ACCESS_VARS as readonly string[]).includes(name)),
  )
}
