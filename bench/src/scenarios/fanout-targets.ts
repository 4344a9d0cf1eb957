// What the fan-out scenario runs against: herald (its subscribers straight to the consumers, or
// through nginx) and bare Socket.IO; the same clients and publisher for each.

import type { HeraldTarget } from '../targets/herald-stack.js'
import type { BaselineServer } from './baseline-server.js'
import type { FanoutTarget } from './fanout.js'

/**
 * `direct`: sockets spread over the consumers, as nginx would spread them, without nginx in the
 * way; `nginx`: through the entry point; `entry`: a running stack's entry point, the one address
 * known of it.
 */
export function heraldFanoutTarget(
  target: HeraldTarget,
  path: 'direct' | 'nginx' | 'entry',
): FanoutTarget {
  const consumers = target.watched().filter(({ name }) => name.startsWith('consumer-'))
  const chain = `Kafka → ${consumers.length || '?'} consumers + Redis adapter`
  const viaNginx = path === 'nginx'
  const { credentials } = target
  const keys = credentials === undefined ? '' : ', keys on'
  return {
    id: `${viaNginx ? 'fanout-herald-nginx' : 'fanout-herald'}${keys === '' ? '' : '-keys'}`,
    group: 'herald fan-out',
    label: `${
      {
        direct: 'herald fan-out, direct',
        nginx: 'herald fan-out, via nginx',
        entry: 'herald fan-out',
      }[path]
    }${keys}`,
    ...(credentials === undefined
      ? {}
      : { token: credentials.token, authorization: `Bearer ${credentials.publisherKey}` }),
    subject: {
      direct: `${chain}, sockets straight to the consumers`,
      nginx: `${chain}, sockets through nginx`,
      entry: 'the running stack, sockets through its entry point',
    }[path],
    publishOrigin: target.url,
    socketOrigins: path === 'direct' ? target.consumerOrigins : [target.url],
    serverPids: consumers.map(({ pid }) => pid),
    watched: target.watched(),
  }
}

export function bareFanoutTarget(server: BaselineServer): FanoutTarget {
  return {
    id: 'fanout-bare',
    group: 'bare Socket.IO',
    label: 'bare Socket.IO',
    subject: 'one process, room broadcast, no Kafka, no Redis',
    publishOrigin: server.origin,
    socketOrigins: [server.origin],
    serverPids: [server.watched.pid],
    watched: [server.watched],
  }
}
