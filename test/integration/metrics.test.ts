// /metrics of every producer and consumer on the real stack: known traffic moves the counters by
// what it was, and new topics add no series (no label takes a topic name).

import { describe, expect, it } from 'vitest'

import { postAccepted } from '../support/http.js'
import { heraldSeries, scrapeMetrics, total, type Scrape } from '../support/metrics.js'
import {
  connectSubscriber,
  subscribe,
  subscribeRaw,
  waitForMessages,
  type Subscriber,
} from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 2, consumers: 2 })

const urlsOf = (kind: 'producer' | 'consumer'): string[] =>
  stack()
    .instances.filter((i) => i.kind === kind)
    .map((i) => i.url)
const scrapeAll = (kind: 'producer' | 'consumer'): Promise<Scrape[]> =>
  Promise.all(urlsOf(kind).map(scrapeMetrics))

const NEW_TOPICS = 1000
const ACCEPTED = 'herald_http_requests_total{method="POST",route="/notify",status="202"}'

describe('metrics', () => {
  it('count N POSTs as N requests and records, and N x M deliveries to M sockets', async () => {
    const topic = uniqueTopic('metrics')
    // Two sockets on each consumer: deliveries are counted where the socket is.
    const sockets: Subscriber[] = []
    for (const url of [...urlsOf('consumer'), ...urlsOf('consumer')]) {
      const socket = await connectSubscriber(url)
      expect(await subscribe(socket, { topics: [topic] })).toMatchObject({ ok: true })
      sockets.push(socket)
    }
    const producersBefore = await scrapeAll('producer')
    const consumersBefore = await scrapeAll('consumer')

    const count = 12
    for (let i = 0; i < count; i += 1) await postAccepted(stack().url, { topic, message: i })
    for (const socket of sockets) await waitForMessages(socket, topic, count)

    const producers = await scrapeAll('producer')
    const consumers = await scrapeAll('consumer')
    const grew = (after: Scrape[], before: Scrape[], series: string): number =>
      total(after, series) - total(before, series)
    expect(grew(producers, producersBefore, ACCEPTED)).toBe(count)
    expect(grew(producers, producersBefore, 'herald_records_published_total')).toBe(count)
    expect(
      grew(
        producers,
        producersBefore,
        'herald_kafka_produce_duration_seconds_count{outcome="acknowledged"}',
      ),
    ).toBe(count)
    expect(grew(consumers, consumersBefore, 'herald_records_consumed_total')).toBe(count)
    expect(grew(consumers, consumersBefore, 'herald_records_broadcast_total')).toBe(count)
    expect(grew(consumers, consumersBefore, 'herald_publish_to_broadcast_seconds_count')).toBe(
      count,
    )
    expect(grew(consumers, consumersBefore, 'herald_deliveries_total')).toBe(count * sockets.length)
    expect(total(consumers, 'herald_sockets')).toBeGreaterThanOrEqual(sockets.length)
    expect(total(consumers, 'herald_subscriptions')).toBeGreaterThanOrEqual(sockets.length)
    // The process's own figures are there too.
    for (const scrape of [...producers, ...consumers])
      expect(scrape.has('process_cpu_seconds_total')).toBe(true)
  })

  it('count catch-ups by verdict, the records they replayed, and the group generations joined', async () => {
    const topic = uniqueTopic('metrics-recovery')
    const consumer = urlsOf('consumer')[0] as string
    const before = await scrapeMetrics(consumer)
    const first = await connectSubscriber(consumer)
    const start = await subscribeRaw(first, [topic])
    const count = 5
    for (let i = 0; i < count; i += 1) await postAccepted(stack().url, { topic, message: i })
    await waitForMessages(first, topic, count)
    // A client back from where the first one started: every record since is replayed.
    const second = await connectSubscriber(consumer)
    const back = await subscribeRaw(second, [topic], start.positions)
    expect(back.recovery?.[topic]).toEqual({ status: 'recovered', replayed: count })

    const after = await scrapeMetrics(consumer)
    const grew = (series: string): number => total([after], series) - total([before], series)
    expect(grew('herald_recoveries_total{verdict="new"}')).toBe(1)
    expect(grew('herald_recoveries_total{verdict="recovered"}')).toBe(1)
    expect(grew('herald_recoveries_total{verdict="position_expired"}')).toBe(0)
    expect(grew('herald_records_replayed_total')).toBe(count)
    // Every consumer joins the group once it has topics to consume, and counts it. (A consumer
    // still joining while the other delivers already has none yet: wait, bounded.)
    const joined = await waitUntil(
      async () => {
        const counts = (await scrapeAll('consumer')).map(
          (s) => s.get('herald_rebalances_total') ?? 0,
        )
        return counts.every((joins) => joins >= 1) ? counts : undefined
      },
      { timeoutMs: 30_000, what: 'every consumer to count a join' },
    )
    expect(joined).toHaveLength(urlsOf('consumer').length)
  })

  it('are per instance: the entry point does not serve them', async () => {
    const answer = await fetch(`${stack().url}/metrics`)
    expect(answer.status).toBe(404)
    expect(await answer.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('add no series for 1,000 new topics', async () => {
    // Every series the traffic below can touch exists after one round of it.
    const warm = uniqueTopic('metrics-warm')
    const socket = await connectSubscriber(urlsOf('consumer')[0] as string)
    await subscribe(socket, { topics: [warm] })
    await postAccepted(stack().url, { topic: warm, message: 'warm' })
    await waitForMessages(socket, warm, 1)
    const seriesBefore = [...(await scrapeAll('producer')), ...(await scrapeAll('consumer'))].map(
      heraldSeries,
    )

    // A socket takes at most 100 topics (HERALD_MAX_TOPICS_PER_SOCKET).
    const topics = Array.from({ length: NEW_TOPICS }, (_, i) => uniqueTopic(`metrics-${i}`))
    const watchers: Subscriber[] = []
    for (let i = 0; i < topics.length; i += 100) {
      const watcher = await connectSubscriber(urlsOf('consumer')[(i / 100) % 2] as string)
      await subscribe(watcher, { topics: topics.slice(i, i + 100) })
      watchers.push(watcher)
    }
    for (let i = 0; i < topics.length; i += 20)
      await Promise.all(
        topics
          .slice(i, i + 20)
          .map((topic) => postAccepted(stack().url, { topic, message: topic })),
      )
    for (const [i, topic] of topics.entries())
      await waitForMessages(watchers[Math.floor(i / 100)] as Subscriber, topic, 1, 30_000)

    const seriesAfter = [...(await scrapeAll('producer')), ...(await scrapeAll('consumer'))].map(
      heraldSeries,
    )
    expect(seriesAfter).toEqual(seriesBefore)
    for (const series of seriesAfter.flat())
      for (const topic of [warm, ...topics]) expect(series).not.toContain(topic)
  })
})
