// Child-process entry of every baseline server: builds the one named in its configuration, listens
// on a free loopback port, tells the orchestrator which, and runs until SIGTERM.

import { once } from 'node:events'
import { createServer, type Server } from 'node:http'

import { childConfig, runChild, tellParent } from '../process/parent-link.js'
import { acceptWithoutKafka } from './accept-express.js'
import { createBareSocketIo } from './bare-socketio.js'
import { createNotifyApp } from './notify-app.js'
import { plainKafkaStore } from './plain-express.js'

export type BaselineConfig =
  | { baseline: 'accept-express' }
  | { baseline: 'bare-socketio' }
  | { baseline: 'plain-express'; kafkaBrokers: string[]; topic: string; partitions: number }

export interface BaselineReady {
  type: 'ready'
  port: number
}

async function serverFor(config: BaselineConfig): Promise<Server> {
  switch (config.baseline) {
    case 'accept-express':
      return createServer(createNotifyApp(acceptWithoutKafka()))
    case 'bare-socketio':
      return createBareSocketIo().httpServer
    case 'plain-express': {
      const { store } = await plainKafkaStore(config)
      return createServer(createNotifyApp(store))
    }
  }
}

runChild(async () => {
  const server = await serverFor(childConfig<BaselineConfig>())
  // As the producers do: never close a keep-alive connection a client may be about to reuse.
  server.keepAliveTimeout = 65_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  const ready: BaselineReady = { type: 'ready', port: address.port }
  tellParent(ready)
})
