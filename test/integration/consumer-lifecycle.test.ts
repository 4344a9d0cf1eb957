// A consumer's life around its dependencies and its end: /readyz says 503 while Redis is down
// and while it drains, and a SIGTERM drains it — it commits what it delivered, leaves the group,
// disconnects its sockets and exits 0 — so the instance that takes its partitions over repeats
// nothing and its sockets resume elsewhere without a gap.

import { describe, expect, it } from 'vitest'

import { readerOf } from '../support/group.js'
import { getJson, postAccepted } from '../support/http.js'
import {
  connectSubscriber,
  positionsAfter,
  subscribeRaw,
  waitForMessages,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 1, consumers: 2 })

const consumerUrl = (name: string): string => {
  const instance = stack().instances.find((i) => i.name === name)
  if (instance === undefined) throw new Error(`no ${name} in the stack`)
  return instance.url
}

interface Readiness {
  status: string
  kafka: boolean
  redis: boolean
  accepting: boolean
}
const readiness = (name: string) => getJson<Readiness>(`${consumerUrl(name)}/readyz`)

describe('a consumer', () => {
  it('answers /readyz 503 while Redis is down, and 200 once it is back', async () => {
    await stack().supervisor.whileStopped('redis', async () => {
      for (const name of ['consumer-1', 'consumer-2']) {
        const down = await waitUntil(
          async () => {
            const answer = await readiness(name)
            return answer.status === 503 ? answer.body : false
          },
          { timeoutMs: 15_000, what: `${name}'s /readyz to say Redis is down` },
        )
        expect(down).toMatchObject({ status: 'not_ready', redis: false, kafka: true })
      }
    })
    for (const name of ['consumer-1', 'consumer-2']) {
      await waitUntil(async () => (await readiness(name)).status === 200, {
        timeoutMs: 30_000,
        what: `${name}'s /readyz to say ready again`,
      })
    }
  })

  it('drains on SIGTERM: 503 meanwhile, commits, leaves, disconnects and exits 0', async () => {
    const topic = uniqueTopic('drain')
    const post = async (i: number): Promise<string> =>
      (await postAccepted(stack().url, { topic, key: 'k', message: { i } })).offset
    const first = await post(0)
    // The instance that reads the topic's one partition is the one to drain.
    const reader = await readerOf(stack(), topic)
    const other = reader === 'consumer-1' ? 'consumer-2' : 'consumer-1'
    const leaving = await connectSubscriber(consumerUrl(reader))
    const staying = await connectSubscriber(consumerUrl(other))
    const since = { [topic]: { '0': first } }
    const leavingAck = await subscribeRaw(leaving, [topic], since)
    await subscribeRaw(staying, [topic], since)
    const before = [first]
    for (let i = 1; i < 40; i += 1) before.push(await post(i))
    for (const socket of [staying, leaving])
      await waitForMessages(socket, topic, before.length, 20_000)

    const exited = new Promise<string>((resolve) => {
      const onRestarting = (name: string, reason: string): void => {
        if (name !== reader) return
        stack().supervisor.off('restarting', onRestarting)
        resolve(reason)
      }
      stack().supervisor.on('restarting', onRestarting)
    })
    // With the broker paused the drain cannot finish: what /readyz says meanwhile is certain.
    stack().supervisor.signal('kafka', 'SIGSTOP')
    try {
      stack().supervisor.signal(reader, 'SIGTERM')
      const draining = await waitUntil(
        async () => {
          const answer = await readiness(reader)
          return answer.status === 503 ? answer.body : false
        },
        { timeoutMs: 5000, what: "the draining consumer's /readyz to say 503" },
      )
      expect(draining).toMatchObject({ status: 'not_ready', accepting: false })
    } finally {
      stack().supervisor.signal('kafka', 'SIGCONT')
    }
    expect(await exited).toBe('exited with code 0')

    // Its socket was disconnected, reconnects through the other instance and resumes.
    await waitUntil(() => leaving.events.some((e) => e.name === 'disconnect'), {
      what: 'the draining consumer to disconnect its socket',
    })
    await waitUntil(() => leaving.connected, { timeoutMs: 20_000, what: 'the socket to reconnect' })
    const resumed = await subscribeRaw(
      leaving,
      [topic],
      positionsAfter(leavingAck, leaving.received),
    )
    expect(resumed.recovery?.[topic]).toMatchObject({ status: 'recovered', replayed: 0 })

    const after: string[] = []
    for (let i = 40; i < 80; i += 1) after.push(await post(i))
    // The partition's new reader starts at the drained one's commit: nothing twice, nothing lost.
    for (const socket of [staying, leaving]) {
      await waitForMessages(socket, topic, before.length + after.length, 30_000)
      expect(socket.received.map((n) => n.offset)).toEqual([...before, ...after])
    }
    await stack().supervisor.waitReady(reader, 30_000)
  })
})
