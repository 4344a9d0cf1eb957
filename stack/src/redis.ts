// Redis for the Socket.IO adapter: pub/sub only, so nothing is persisted.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import { redisPong } from './probes.js'
import type { ProcessSpec } from './supervisor.js'

export function redisProcess(redisServer: string, dir: string, port: number): ProcessSpec {
  mkdirSync(dir, { recursive: true })
  return {
    name: 'redis',
    command: redisServer,
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    logFile: join(dir, 'redis.log'),
    probe: () => redisPong('127.0.0.1', port),
    readyTimeoutMs: 10_000,
  }
}
