// A consumer's life around its dependencies, its end and its arrival: /readyz says 503 while
// Redis is down and while it drains, and a SIGTERM drains it — it commits what it delivered,
// leaves the group, disconnects its sockets and exits 0 — so the instance that takes its
// partitions over repeats nothing and its sockets resume elsewhere without a gap. A consumer that
// joins mid-stream takes partitions over from one that was delivering them, repeating nothing.

import { describe, expect, it } from 'vitest'

import type { PublishReceipt } from '@herald/shared'

import { readerOf, readersOf } from '../support/group.js'
import { createTopic, getJson, postAccepted } from '../support/http.js'
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

  it('joining mid-stream, takes partitions over and repeats no record the other delivered', async () => {
    const topic = uniqueTopic('join')
    const partitions = 4
    await createTopic(stack().url, topic, partitions)
    // consumer-1 holds every partition while consumer-2 is away, and hands some over at its return.
    const socket = await connectSubscriber(consumerUrl('consumer-1'))
    await subscribeRaw(socket, [topic])
    const readers = async (): Promise<string[]> => [...(await readersOf(stack(), topic)).values()]

    const receipts: PublishReceipt[] = []
    let posting = true
    let postFailure: Error | undefined
    // Unkeyed POSTs one after another take the partitions in turn. Bounded in count; stopped
    // once the returning consumer has read its partitions for a while.
    const stream = (async () => {
      try {
        while (posting && receipts.length < 20_000) {
          receipts.push(await postAccepted(stack().url, { topic, message: receipts.length }))
        }
      } catch (error) {
        postFailure = error instanceof Error ? error : new Error(String(error))
      }
    })()
    try {
      await stack().supervisor.whileStopped('consumer-2', () =>
        waitUntil(
          async () => {
            const now = await readers()
            return now.length === partitions && now.every((r) => r === 'consumer-1')
          },
          { timeoutMs: 60_000, intervalMs: 500, what: 'consumer-1 to read every partition' },
        ),
      )
      // Commits wait while the group rebalances, so consumer-1 has delivered records it has not
      // committed when it hands partitions over: those are what a new owner must not repeat.
      await waitUntil(async () => (await readers()).includes('consumer-2'), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'consumer-2 to read a partition again',
      })
      const joinedAt = receipts.length
      await waitUntil(() => postFailure !== undefined || receipts.length >= joinedAt + 200, {
        timeoutMs: 30_000,
        what: '200 more notifications accepted after consumer-2 took partitions',
      })
    } finally {
      posting = false
      await stream
    }
    if (postFailure !== undefined) throw postFailure

    const id = (n: { partition: number; offset: string }): string => `${n.partition}:${n.offset}`
    const expected = new Set(receipts.map(id))
    await waitUntil(
      () => {
        const seen = new Set(socket.received.map(id))
        return [...expected].every((key) => seen.has(key))
      },
      { timeoutMs: 30_000, what: `all ${receipts.length} notifications at the socket` },
    )
    // A repeat of a handed-over record comes before the new owner's later records of that
    // partition, and each partition had some after the handover: it would be here by now.
    for (let partition = 0; partition < partitions; partition += 1) {
      const offsets = socket.received
        .filter((n) => n.partition === partition)
        .map((n) => Number(n.offset))
      const sent = receipts.filter((r) => r.partition === partition).map((r) => Number(r.offset))
      expect(offsets).toEqual(sent.sort((a, b) => a - b))
    }
  })
})
