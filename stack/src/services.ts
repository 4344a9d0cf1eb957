// The herald services the stack runs: producer-N and consumer-N, each on its own port.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import { REPO_ROOT } from './paths.js'
import { httpOk } from './probes.js'
import type { ProcessSpec } from './supervisor.js'

export type ServiceKind = 'producer' | 'consumer'

export interface ServiceOptions {
  kind: ServiceKind
  index: number
  port: number
  logDir: string
  /** Environment of every service: Kafka and Redis addresses, and anything the caller adds. */
  env: Readonly<Record<string, string>>
  /** Node flags before the entry point. */
  nodeArgs?: readonly string[]
}

export function serviceProcess({
  kind,
  index,
  port,
  logDir,
  env,
  nodeArgs = [],
}: ServiceOptions): ProcessSpec {
  const name = `${kind}-${index}`
  mkdirSync(logDir, { recursive: true })
  return {
    name,
    command: process.execPath,
    args: ['--enable-source-maps', ...nodeArgs, join(REPO_ROOT, kind, 'dist', 'main.js')],
    env: { ...env, HERALD_INSTANCE: name, HOST: '127.0.0.1', PORT: String(port) },
    logFile: join(logDir, `${name}.log`),
    probe: () => httpOk(`http://127.0.0.1:${port}/readyz`),
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 15_000,
  }
}
