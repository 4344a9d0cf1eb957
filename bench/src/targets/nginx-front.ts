// An nginx of the bench's own, rendered and supervised exactly as the native stack runs its own,
// in front of servers the bench started: herald's HTTP path (nginx → producers) without Kafka.

import { ensureTools, freePort, nginxProcess, silentReporter, Supervisor } from '@herald/stack'

export interface NginxFront {
  url: string
  /** The master; its workers are its children. */
  pid: number
  stop(): Promise<void>
}

export async function startNginxFront(dir: string, producerPorts: number[]): Promise<NginxFront> {
  const { nginx } = await ensureTools(['nginx'], silentReporter)
  const port = await freePort()
  const supervisor = new Supervisor()
  // The ceiling never opens a socket: /socket.io/ may point at the same servers.
  await supervisor.start(
    nginxProcess({ nginx, dir, port, producerPorts, consumerPorts: producerPorts }),
  )
  return {
    url: `http://127.0.0.1:${port}`,
    pid: supervisor.pid('nginx') as number,
    stop: () => supervisor.stopAll(),
  }
}
