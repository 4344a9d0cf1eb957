// Consumes every herald topic once per process, as one member of a consumer group shared by all
// consumer instances (Kafka's classic group protocol with cooperative rebalancing, herald's
// assigner). A topic joins by a rebalance that moves no partition already held, and this member
// keeps fetching what it holds meanwhile: the library handles membership, heartbeats and commits,
// herald runs the fetch loop (one long poll per broker, on connections of its own) and keeps the
// positions. Topics a producer announces are added at once (addTopics); a listing every
// `refreshIntervalMs` finds the topics other Kafka clients create, and the ones deleted.

import {
  Consumer,
  FetchIsolationLevels,
  type GroupAssignment,
  type GroupProtocolSubscription,
} from '@platformatic/kafka'
import type { Logger } from 'pino'

import { encodeArrival, heraldAssigner } from './assigner.js'
import { heraldTopicName, kafkaTopicName, type KafkaClient } from './client.js'
import { kafkaErrorIds } from './errors.js'
import { GroupJoins } from './group-joins.js'
import { recordsFromBatches, type ConsumedRecord } from './fetched-records.js'
import type { TopicAdmin } from './topic-admin.js'

export interface SubscriberOptions {
  groupId: string
  topicPrefix: string
  /** How often to look for topics created or deleted since the last look, unannounced. */
  refreshIntervalMs: number
  /**
   * Called once per record, in offset order per partition; its offset is committed after it
   * returns (after the promise it returns settles, when it returns one).
   */
  onRecord: (record: ConsumedRecord) => void | Promise<void>
  /** Topics never consumed (the dead-letter topic). */
  ignoredTopics: readonly string[]
  /** Called when the member could not rejoin its group for long; the process should restart. */
  onFatal: (error: Error) => void
}

type FetchRequestTopic = Parameters<Consumer['fetch']>[0]['topics'][number]
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>

interface HeldPartition {
  kafkaTopic: string
  topic: string
  partition: number
}

/** Longest a fetch waits at the broker for records: bounds how late a new partition is fetched. */
const FETCH_MAX_WAIT_MS = 200
const PARTITION_MAX_BYTES = 1024 * 1024
/** Pause after a fetch that failed outright (a broker away), before the next one. */
const FETCH_RETRY_MS = 200
/** How often the member checks that it is in its group, and how long it may stay out. */
const WATCHDOG_MS = 1000
const MAX_OUT_OF_GROUP_MS = 60_000
/** The group session: a member the coordinator hears nothing from for this long is expired. */
const SESSION_TIMEOUT_MS = 10_000
/**
 * A member whose membership the coordinator last confirmed longer ago than this may have been
 * expired, and its partitions read by others meanwhile: it delivers nothing until confirmed.
 * Well under the session, since the coordinator's clock started before the answer arrived.
 */
const MEMBERSHIP_CONFIRMED_MAX_AGE_MS = SESSION_TIMEOUT_MS - 2000
const MEMBERSHIP_RECHECK_MS = 100

export class KafkaSubscriber {
  readonly #kafka: KafkaClient
  readonly #admin: TopicAdmin
  readonly #options: SubscriberOptions
  readonly #logger: Logger
  /** The group member: membership, heartbeats, commits. */
  #consumer: Consumer | undefined
  /** Fetches only, with connections of its own and no subscription to keep metadata of. */
  #fetcher: Consumer | undefined
  /** A fetch met a moved leader or a topic gone: look the leaders up again before the next. */
  #staleLeaders = false
  #topics = new Set<string>()
  /** Subscribed topics the last listing did not show: dropped if the next does not either. */
  #missingOnce = new Set<string>()
  /** Topic changes for the library's subscription, made only between joins (group-joins.ts). */
  readonly #toTrack = new Set<string>()
  readonly #toUntrack = new Set<string>()
  #joins: GroupJoins | undefined
  #joined = false
  #stopped = false
  /** Joined the group at least once with its current member id: not arriving any more. */
  #settled = false
  /** No commits between a rebalance's start and its end: they would fail and drop partitions. */
  #rebalancing = false
  /** When the rebalance under way began, if one is. */
  #rebalanceStartedAt: number | undefined
  readonly #rebalanceTotals = { joins: 0, rebalancingMs: 0 }
  #joining: Promise<void> | undefined
  #joinAgain = false
  /** The library's assignment last looked at, to notice when it changes. */
  #seenAssignment: GroupAssignment[] | null = null
  /** Partitions held now, by key. */
  readonly #held = new Map<string, HeldPartition>()
  /** Next offset to deliver, per held partition whose start is known. */
  readonly #positions = new Map<string, bigint>()
  /** Each held partition's end (high watermark) as the last fetch from it said. */
  readonly #ends = new Map<string, bigint>()
  /** Delivered offsets not yet committed, per partition. */
  readonly #toCommit = new Map<string, bigint>()
  /** The generation of the last completed join: a later one at a revoke is a cooperative round. */
  #joinedGeneration = -1
  /** When the coordinator last answered this member as one of the group (heartbeat, join). */
  #membershipConfirmedAt = 0
  /** The member id and latest generation this member took part in, to notice it was left out. */
  #membership: { memberId: string | null; generation: number } | undefined
  /** The commit of what was delivered of partitions just revoked, while it is out. */
  #handingOver: Promise<void> = Promise.resolve()
  #committing: Promise<void> | undefined
  readonly #fetching = new Map<number, Promise<void>>()
  #pumpTimer: NodeJS.Timeout | undefined
  #refreshTimer: NodeJS.Timeout | undefined
  #refreshing: Promise<void> = Promise.resolve()
  /** A look was asked for while one ran (or before start): make another right after it. */
  #refreshRequested = false
  #watchdog: NodeJS.Timeout | undefined
  #outOfGroupSince: number | undefined

  constructor(kafka: KafkaClient, admin: TopicAdmin, options: SubscriberOptions, logger: Logger) {
    this.#kafka = kafka
    this.#admin = admin
    this.#options = options
    this.#logger = logger
  }

  /** True once the group was joined (or there is nothing to consume yet). */
  get ready(): boolean {
    return this.#joined
  }

  /**
   * Group generations this member joined (every rebalance it took part in, its first join
   * included), and the time from learning of a rebalance to having joined its new generation:
   * commits wait meanwhile, and partitions that move are read by nobody.
   */
  get rebalances(): Readonly<{ joins: number; rebalancingMs: number }> {
    return this.#rebalanceTotals
  }

  /** How many topics this process consumes now. */
  get topicCount(): number {
    return this.#topics.size
  }

  /** The partitions held now, as `<herald topic>:<partition>` (the instance registry's `held`). */
  get heldPartitions(): string[] {
    return [...this.#held.values()].map(({ topic, partition }) => `${topic}:${partition}`)
  }

  /** Records in the partitions held now that are not delivered yet, as the last fetches saw them. */
  get lag(): number {
    let lag = 0n
    for (const key of this.#held.keys()) {
      const end = this.#ends.get(key)
      const next = this.#positions.get(key)
      if (end !== undefined && next !== undefined && end > next) lag += end - next
    }
    return Number(lag)
  }

  /** Subscribes to the topics that exist now and starts watching for new ones. */
  async start(): Promise<void> {
    const topics = await this.#listTopics()
    this.#consumer ??= this.#createConsumer()
    for (const topic of topics) this.#toTrack.add(topic)
    this.#topics = new Set(topics)
    if (topics.length > 0) await this.#join()
    this.#joined = true
    this.#watchdog = setInterval(() => this.#checkMembership(), WATCHDOG_MS)
    this.#scheduleRefresh()
  }

  /** Stops fetching, commits what was delivered and leaves the group. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#refreshTimer)
    clearTimeout(this.#pumpTimer)
    clearInterval(this.#watchdog)
    await this.#refreshing
    await Promise.allSettled(this.#fetching.values())
    // One commit may be out already; the second takes what it did not.
    await this.#commit()
    await this.#commit()
    this.#joined = false
    await this.#consumer?.close(true).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not leave the consumer group cleanly')
    })
    await this.#fetcher?.close()
    this.#joins?.close()
    this.#consumer = undefined
  }

  /**
   * Subscribes to topics a producer just created and announced, without listing every topic:
   * at a topic a second, listings would cost the broker more than everything else. Before start,
   * the first listing is made at once instead.
   */
  addTopics(announced: readonly string[]): void {
    const consumer = this.#consumer
    if (this.#stopped) return
    // The consumer exists once the first listing is in; until then that listing is made at once.
    if (consumer === undefined) {
      this.#refreshRequested = true
      return
    }
    const ignored = this.#options.ignoredTopics
    const added = announced.filter((t) => !this.#topics.has(t) && !ignored.includes(t))
    if (added.length === 0) return
    this.#logger.info(
      { topics: this.#topics.size + added.length, added },
      'topics announced; rejoining',
    )
    for (const topic of added) {
      this.#topics.add(topic)
      this.#changeTopic(topic, true)
    }
    this.#join().catch((error: unknown) => {
      // A join cut off by a stop is no news.
      if (!this.#stopped) this.#logger.warn({ err: error }, 'could not rejoin the consumer group')
    })
  }

  #createConsumer(): Consumer {
    const consumer = this.#kafka.watch(
      new Consumer({
        ...this.#kafka.baseOptions('consumer'),
        groupId: this.#options.groupId,
        // The classic protocol with cooperative rebalancing; the assignment is herald's (the
        // broker-side KIP-848 assignors move partitions of unrelated topics: docs/kafka-clients.md).
        protocols: [this.#protocol()],
        partitionAssigner: heraldAssigner,
        // A consumer that died hands its partitions over after 10 s. Not less: a broker that stalls
        // longer than the session expires every member at once when it resumes.
        sessionTimeout: SESSION_TIMEOUT_MS,
        // A rebalance waits this long for every member to rejoin: a member that stalls holds up
        // every new topic (and hands over its partitions) no later than its session would.
        rebalanceTimeout: 10_000,
        // Members learn of a rebalance at their next heartbeat: keep that wait short.
        heartbeatInterval: 300,
        // Every group request looks up the subscribed topics' metadata first; refreshed once a
        // minute rather than every 5 s, so a partition added to a topic counts within a minute.
        metadataMaxAge: METADATA_MAX_AGE_MS,
        autocommit: false,
        isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
      }),
      'consumer',
    )
    this.#joins = new GroupJoins(consumer)
    const confirmMembership = () => {
      this.#membershipConfirmedAt = Date.now()
    }
    consumer.on('consumer:heartbeat:end', confirmMembership)
    consumer.on('consumer:group:rebalance', () => {
      // Only a member is told of a rebalance; its pending JoinGroup keeps it one meanwhile. A
      // cooperative round that revokes is told this way too, with no join event of its own.
      confirmMembership()
      if (this.#membership !== undefined)
        this.#membership.generation = Math.max(this.#membership.generation, consumer.generationId)
      this.#rebalancing = true
      this.#rebalanceStartedAt ??= Date.now()
      this.#syncAssignment(true)
    })
    consumer.on('consumer:group:join', ({ generationId }) => {
      this.#rebalancing = false
      this.#rebalanceTotals.joins += 1
      if (this.#rebalanceStartedAt !== undefined) {
        this.#rebalanceTotals.rebalancingMs += Date.now() - this.#rebalanceStartedAt
        this.#rebalanceStartedAt = undefined
      }
      confirmMembership()
      this.#settled = true
      // A new member id, or a generation that passed without this member: it was out of the group
      // (expired while stopped or starved), and partitions it still counts as held may have been
      // read by others since. Those it is given again start from the group's commits.
      const before = this.#membership
      if (
        before !== undefined &&
        (consumer.memberId !== before.memberId || consumer.generationId > before.generation + 1)
      )
        this.#dropHeld()
      this.#membership = { memberId: consumer.memberId, generation: consumer.generationId }
      this.#syncAssignment(false)
      this.#joinedGeneration = consumer.generationId
      // Commits wait while the group rebalances: send what was delivered meanwhile now, or a
      // partition that gets no more records would keep its old commit (and its lag) for good.
      if (this.#toCommit.size > 0) void this.#commit()
      this.#logger.info(
        { generation: generationId, partitions: this.#held.size },
        'joined the consumer group',
      )
    })
    // A client of its own for fetching: its long polls never delay a heartbeat, and the library
    // looks up metadata for every subscribed topic before each request of a client that has a
    // subscription, which at thousands of topics made a metadata request of nearly every fetch.
    this.#fetcher = this.#kafka.watch(
      new Consumer({
        ...this.#kafka.baseOptions('fetcher'),
        groupId: this.#options.groupId,
        isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
      }),
      'fetcher',
    )
    return consumer
  }

  /**
   * The group protocol this member offers; its user data says whether it is arriving, read anew
   * on every join, the library's own rejoins included. (A `protocolsMetadata` hook would do the
   * same but makes the library fetch every topic's metadata before each join.)
   */
  #protocol(): GroupProtocolSubscription {
    const arriving = () => this.#arriving()
    return {
      name: 'cooperative-sticky',
      version: 3,
      get metadata() {
        return encodeArrival(arriving())
      },
    }
  }

  /**
   * Whether this member joins as a newcomer, which lets it take load from the others: until its
   * first join completes, and again once the broker forgot it (the library drops its member id).
   */
  #arriving(): boolean {
    if (this.#consumer?.memberId === null) this.#settled = false
    return !this.#settled
  }

  #changeTopic(topic: string, subscribe: boolean): void {
    ;(subscribe ? this.#toUntrack : this.#toTrack).delete(topic)
    ;(subscribe ? this.#toTrack : this.#toUntrack).add(topic)
  }

  /**
   * Joins (or rejoins) the group with the topic changes made meanwhile; a call while a join runs
   * makes one more join after it. The changes reach the library's subscription once no join is
   * in flight, and in the same tick as the join that carries them.
   */
  #join(): Promise<void> {
    if (this.#joining !== undefined) {
      this.#joinAgain = true
      return this.#joining
    }
    this.#joining = (async () => {
      const consumer = this.#consumer as Consumer
      do {
        this.#joinAgain = false
        await this.#joins?.settled()
        if (this.#stopped) return
        for (const topic of this.#toTrack) consumer.topics.track(this.#kafkaName(topic))
        for (const topic of this.#toUntrack) consumer.topics.untrack(this.#kafkaName(topic))
        this.#toTrack.clear()
        this.#toUntrack.clear()
        await consumer.joinGroup({})
      } while (this.#joinAgain && !this.#stopped)
    })().finally(() => {
      this.#joining = undefined
    })
    return this.#joining
  }

  /**
   * A member the broker expired or whose rejoin failed stays out of the group until it joins
   * again: join it, and give up (to be restarted) if that fails for long.
   */
  #checkMembership(): void {
    const consumer = this.#consumer
    if (this.#stopped || consumer === undefined || this.#topics.size === 0) return
    if (consumer.isActive() || this.#joining !== undefined) {
      this.#outOfGroupSince = undefined
      return
    }
    const since = (this.#outOfGroupSince ??= Date.now())
    // The library rejoins by itself when a heartbeat says so, and is briefly out meanwhile: a
    // second join would race its own. Only a member still out at the next check needs help.
    if (Date.now() - since < WATCHDOG_MS) return
    if (Date.now() - since > MAX_OUT_OF_GROUP_MS) {
      this.#options.onFatal(new Error(`out of the consumer group for ${MAX_OUT_OF_GROUP_MS} ms`))
      return
    }
    this.#join().catch((error: unknown) => {
      // A join cut off by a stop is no news.
      if (!this.#stopped) this.#logger.warn({ err: error }, 'could not rejoin the consumer group')
    })
  }

  #scheduleRefresh(): void {
    const delay = this.#refreshRequested ? 0 : this.#options.refreshIntervalMs
    this.#refreshRequested = false
    this.#refreshTimer = setTimeout(() => this.#runRefresh(), delay)
  }

  #runRefresh(): void {
    this.#refreshTimer = undefined
    this.#refreshing = this.#refresh()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not refresh topics'))
      .finally(() => {
        if (!this.#stopped) this.#scheduleRefresh()
      })
  }

  async #listTopics(): Promise<string[]> {
    const topics = await this.#admin.listTopics()
    return topics.filter((topic) => !this.#options.ignoredTopics.includes(topic))
  }

  async #refresh(): Promise<void> {
    const listed = new Set(await this.#listTopics())
    const consumer = this.#consumer
    if (this.#stopped || consumer === undefined) return
    const added = [...listed].filter((topic) => !this.#topics.has(topic))
    // A topic announced a moment ago may not be listed yet: only two listings in a row without
    // it mean it was deleted.
    const missing = [...this.#topics].filter((topic) => !listed.has(topic))
    const removed = missing.filter((topic) => this.#missingOnce.has(topic))
    this.#missingOnce = new Set(missing.filter((topic) => !removed.includes(topic)))
    if (added.length === 0 && removed.length === 0) return
    this.#logger.info({ topics: listed.size, added, removed }, 'topic set changed; rejoining')
    // A deleted topic must go: while it is subscribed, the group's metadata requests fail.
    for (const topic of added) {
      this.#topics.add(topic)
      this.#changeTopic(topic, true)
    }
    for (const topic of removed) {
      this.#topics.delete(topic)
      this.#changeTopic(topic, false)
    }
    await this.#join()
  }

  /**
   * Compares the library's assignment with what is held, and starts or stops partitions.
   * `inRound` says the group is between the rounds of a cooperative rebalance: only then may a
   * revoked partition's delivered offsets be committed.
   */
  #syncAssignment(inRound: boolean): void {
    const assignment = this.#consumer?.assignments ?? null
    if (assignment === this.#seenAssignment) return
    this.#seenAssignment = assignment
    const now = new Map<string, HeldPartition>()
    for (const { topic: kafkaTopic, partitions } of assignment ?? []) {
      const topic = heraldTopicName(this.#options.topicPrefix, kafkaTopic)
      if (topic === undefined) continue
      for (const partition of partitions) {
        now.set(partitionKey(kafkaTopic, partition), { kafkaTopic, topic, partition })
      }
    }
    const revoked = [...this.#held.keys()].filter((key) => !now.has(key))
    const assigned = [...now.keys()].filter((key) => !this.#held.has(key))
    const handedOver: CommitOffset[] = []
    for (const key of revoked) {
      const offset = this.#toCommit.get(key)
      const { kafkaTopic, partition } = this.#held.get(key) as HeldPartition
      if (offset !== undefined) handedOver.push({ topic: kafkaTopic, partition, offset })
      this.#held.delete(key)
      this.#positions.delete(key)
      this.#ends.delete(key)
      this.#toCommit.delete(key)
    }
    for (const key of assigned) this.#held.set(key, now.get(key) as HeldPartition)
    // The log is the record of assignment changes that tests and operators read.
    if (revoked.length > 0) this.#logger.info({ revoked }, 'partitions revoked')
    if (handedOver.length > 0) this.#handOver(handedOver, inRound)
    if (assigned.length > 0) {
      this.#logger.info({ assigned }, 'partitions assigned')
      void this.#startPartitions(assigned.map((key) => now.get(key) as HeldPartition))
    }
  }

  /** Forgets every held partition without committing: they were lost with the membership. */
  #dropHeld(): void {
    const lost = [...this.#held.keys()]
    this.#held.clear()
    this.#positions.clear()
    this.#ends.clear()
    this.#toCommit.clear()
    this.#seenAssignment = null
    if (lost.length > 0)
      this.#logger.warn(
        { partitions: lost },
        'partitions lost with the membership; those given back start from the group commits',
      )
  }

  /**
   * Finds where newly held partitions start: the group's commit, or the log's first record when
   * the group has none (a new topic) or `fromCommit` is false (the commit is no longer in the log).
   */
  async #startPartitions(partitions: readonly HeldPartition[], fromCommit = true): Promise<void> {
    const consumer = this.#consumer
    if (consumer === undefined) return
    try {
      // A partition this member handed over and is given back starts after what it delivered.
      await this.#handingOver
      const unread = fromCommit
        ? await this.#startAtCommits(consumer, partitions)
        : groupByTopic(partitions)
      if (unread.size > 0) {
        const earliest = await consumer.listOffsets({
          topics: [...unread.keys()],
          partitions: Object.fromEntries(unread),
          timestamp: -2n,
        })
        for (const [kafkaTopic, list] of unread) {
          for (const partition of list) {
            this.#setStart(kafkaTopic, partition, earliest.get(kafkaTopic)?.[partition] ?? 0n)
          }
        }
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not find where partitions start; retrying')
      await delay(FETCH_RETRY_MS)
      const still = partitions.filter(
        (p) => this.#held.has(partitionKey(p.kafkaTopic, p.partition)) && !this.#stopped,
      )
      if (still.length > 0) return this.#startPartitions(still, fromCommit)
      return
    }
    this.#pump()
  }

  /** Starts the partitions the group committed for; returns the others, by topic. */
  async #startAtCommits(
    consumer: Consumer,
    partitions: readonly HeldPartition[],
  ): Promise<Map<string, number[]>> {
    const topics = [...groupByTopic(partitions)].map(([topic, list]) => ({
      topic,
      partitions: list,
    }))
    const committed = await consumer.listCommittedOffsets({ topics })
    const unread: HeldPartition[] = []
    for (const held of partitions) {
      const offset = committed.get(held.kafkaTopic)?.[held.partition] ?? -1n
      if (offset < 0n) unread.push(held)
      else this.#setStart(held.kafkaTopic, held.partition, offset)
    }
    return groupByTopic(unread)
  }

  #setStart(kafkaTopic: string, partition: number, offset: bigint): void {
    const key = partitionKey(kafkaTopic, partition)
    if (this.#held.has(key) && !this.#positions.has(key)) this.#positions.set(key, offset)
  }

  /** Starts a fetch from every broker that leads held partitions and has none in flight. */
  #pump(): void {
    clearTimeout(this.#pumpTimer)
    this.#pumpTimer = undefined
    const fetcher = this.#fetcher
    if (this.#stopped || fetcher === undefined) return
    this.#syncAssignment(false)
    const ready = [...this.#held].filter(([key]) => this.#positions.has(key))
    if (ready.length === 0) return
    const topics = [...new Set(ready.map(([, held]) => held.kafkaTopic))]
    const forceUpdate = this.#staleLeaders
    this.#staleLeaders = false
    fetcher
      // Leaders rarely move, and a fetch that meets a moved one says so (#staleLeaders).
      .metadata({ topics, forceUpdate, metadataMaxAge: METADATA_MAX_AGE_MS })
      .then((metadata) => {
        const byNode = new Map<number, Map<string, FetchRequestTopic>>()
        for (const [key, { kafkaTopic, partition }] of ready) {
          const topic = metadata.topics.get(kafkaTopic)
          const leader = topic?.partitions[partition]?.leader
          const fetchOffset = this.#positions.get(key)
          if (topic === undefined || leader === undefined || fetchOffset === undefined) continue
          if (leader < 0 || this.#fetching.has(leader)) continue
          const requests = byNode.get(leader) ?? new Map<string, FetchRequestTopic>()
          byNode.set(leader, requests)
          const request = requests.get(topic.id) ?? { topicId: topic.id, partitions: [] }
          requests.set(topic.id, request)
          request.partitions.push({
            partition,
            fetchOffset,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
            partitionMaxBytes: PARTITION_MAX_BYTES,
          })
        }
        const names = new Map([...metadata.topics].map(([name, { id }]) => [id, name]))
        for (const [node, requests] of byNode) {
          const fetch = this.#fetchFrom(node, [...requests.values()], names).finally(() => {
            this.#fetching.delete(node)
            if (!this.#stopped) this.#pump()
          })
          this.#fetching.set(node, fetch)
        }
      })
      .catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'could not look up the leaders of held partitions')
        this.#pumpTimer = setTimeout(() => this.#pump(), FETCH_RETRY_MS)
      })
  }

  async #fetchFrom(
    node: number,
    topics: FetchRequestTopic[],
    names: ReadonlyMap<string, string>,
  ): Promise<void> {
    const fetcher = this.#fetcher as Consumer
    let response: FetchResponse | undefined
    try {
      response = await fetcher.fetch({ node, topics, maxWaitTime: FETCH_MAX_WAIT_MS })
    } catch (error) {
      // A partition error fails the whole fetch; the answer inside still holds the good ones.
      response = (error as { response?: FetchResponse }).response
      const ids = kafkaErrorIds(error)
      this.#logger.debug({ err: error, node, errors: ids }, 'fetch failed')
      if (ids.some((id) => STALE_LEADER_ERRORS.includes(id)) || response === undefined) {
        this.#staleLeaders = true
      }
      if (ids.includes('OFFSET_OUT_OF_RANGE')) this.#resetOutOfRange(response, names)
      if (response !== undefined) await this.#deliver(response, topics, names)
      // Not at once again: a broker away or a topic just deleted answers the same for a while.
      await delay(FETCH_RETRY_MS)
      return
    }
    await this.#deliver(response, topics, names)
  }

  /** Hands the records of a fetch answer over, partition by partition, in offset order. */
  async #deliver(
    response: FetchResponse,
    requested: readonly FetchRequestTopic[],
    names: ReadonlyMap<string, string>,
  ): Promise<void> {
    // Held after a stop or a stall of most of a session, partitions may be another member's now:
    // the group's next answer says (a join drops what was lost, and the checks below skip it).
    while (
      !this.#stopped &&
      Date.now() - this.#membershipConfirmedAt > MEMBERSHIP_CONFIRMED_MAX_AGE_MS
    )
      await delay(MEMBERSHIP_RECHECK_MS)
    const asked = new Map<string, bigint>()
    for (const { topicId, partitions } of requested) {
      for (const { partition, fetchOffset } of partitions) {
        asked.set(partitionKey(names.get(topicId) ?? topicId, partition), fetchOffset)
      }
    }
    let delivered = false
    for (const { topicId, partitions } of response.responses) {
      const kafkaTopic = names.get(topicId)
      if (kafkaTopic === undefined) continue
      for (const { partitionIndex, errorCode, highWatermark, records } of partitions) {
        const key = partitionKey(kafkaTopic, partitionIndex)
        const held = this.#held.get(key)
        const from = this.#positions.get(key)
        // Revoked, or moved elsewhere, while the fetch was out: not ours to deliver.
        if (errorCode !== 0 || held === undefined || from === undefined) continue
        if (from !== asked.get(key)) continue
        this.#ends.set(key, highWatermark)
        const fetched = recordsFromBatches(held.topic, partitionIndex, records, from)
        for (const record of fetched.records) {
          const pending = this.#options.onRecord(record)
          // Delivery is synchronous but for the rare record that goes to the dead-letter topic.
          if (pending === undefined) continue
          // What came before it is delivered: a revoke while it is written hands over from here.
          this.#toCommit.set(key, BigInt(record.offset))
          await pending
          if (!this.#held.has(key)) break
        }
        if (fetched.next === from || !this.#held.has(key)) continue
        this.#positions.set(key, fetched.next)
        this.#toCommit.set(key, fetched.next)
        delivered = true
      }
    }
    if (delivered) void this.#commit()
  }

  /** A position the log no longer holds (retention deleted it) starts again at its first record. */
  #resetOutOfRange(response: FetchResponse | undefined, names: ReadonlyMap<string, string>): void {
    const outOfRange: HeldPartition[] = []
    for (const { topicId, partitions } of response?.responses ?? []) {
      const kafkaTopic = names.get(topicId)
      for (const { partitionIndex, errorCode, logStartOffset } of partitions) {
        if (kafkaTopic === undefined || errorCode !== OFFSET_OUT_OF_RANGE) continue
        const key = partitionKey(kafkaTopic, partitionIndex)
        if (!this.#held.has(key)) continue
        this.#logger.warn(
          { topic: kafkaTopic, partition: partitionIndex, logStartOffset: String(logStartOffset) },
          'position no longer in the log; reading from its first record',
        )
        this.#positions.delete(key)
        outOfRange.push(this.#held.get(key) as HeldPartition)
      }
    }
    if (outOfRange.length > 0) void this.#startPartitions(outOfRange, false)
  }

  /**
   * Commits the delivered offsets of partitions revoked in the first round of a cooperative
   * rebalance, at once. Their next owner gets them in the second round, which cannot end before
   * this member rejoins for it: the library sends that JoinGroup right after this event, on the
   * same coordinator connection as this commit, so the coordinator takes the commit first (with
   * this member's generation still current) and the next owner reads it. Commits wait while the
   * group rebalances, so without this the next owner starts at the last commit and broadcasts
   * what was delivered since a second time. A revoke seen any other way (this member lost its
   * membership) is not committed: the partition may be its next owner's already, and a late
   * commit could move that owner's back.
   */
  #handOver(offsets: readonly CommitOffset[], inRound: boolean): void {
    const consumer = this.#consumer
    if (consumer === undefined || !inRound || consumer.generationId <= this.#joinedGeneration) {
      this.#logger.warn(
        { partitions: offsets.map(({ topic, partition }) => partitionKey(topic, partition)) },
        'partitions lost with their membership; their next owner repeats what was delivered since the last commit',
      )
      return
    }
    // A commit already out goes first on the same connection: only this one needs waiting for.
    this.#handingOver = consumer
      .commit({ offsets: offsets.map((offset) => ({ ...offset, leaderEpoch: -1 })) })
      .catch((error: unknown) => {
        this.#logger.warn(
          { err: error },
          'could not commit what was delivered of revoked partitions; their next owner repeats it',
        )
      })
  }

  /**
   * Commits what was delivered, one commit at a time (the next takes whatever was delivered
   * meanwhile). Never while the group rebalances or this member is out of it: such a commit fails
   * and makes the library drop every partition.
   */
  #commit(): Promise<void> {
    if (this.#committing !== undefined) return this.#committing
    const consumer = this.#consumer
    if (consumer === undefined || this.#toCommit.size === 0) return Promise.resolve()
    if (this.#rebalancing || !consumer.isActive()) return Promise.resolve()
    const batch = new Map(this.#toCommit)
    this.#toCommit.clear()
    const offsets = [...batch]
      .map(([key, offset]) => ({ held: this.#held.get(key), offset }))
      .filter(({ held }) => held !== undefined)
      .map(({ held, offset }) => ({
        topic: (held as HeldPartition).kafkaTopic,
        partition: (held as HeldPartition).partition,
        offset,
        leaderEpoch: -1,
      }))
    this.#committing = consumer
      .commit({ offsets })
      .catch((error: unknown) => {
        this.#logger.debug({ err: error }, 'commit failed; retrying with the next one')
        // Offsets delivered since stay newer; give back only those still missing.
        for (const [key, offset] of batch) {
          if (this.#held.has(key) && !this.#toCommit.has(key)) this.#toCommit.set(key, offset)
        }
      })
      .finally(() => {
        this.#committing = undefined
        if (this.#toCommit.size > 0 && !this.#stopped) void this.#commit()
      })
    return this.#committing
  }

  #kafkaName(topic: string): string {
    return kafkaTopicName(this.#options.topicPrefix, topic)
  }
}

/** How long leaders and partition counts are trusted without a sign that they changed. */
const METADATA_MAX_AGE_MS = 60_000
/** Fetch errors that mean the metadata in hand is out of date. */
const STALE_LEADER_ERRORS = [
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
]

/** Kafka's error code for a fetch position the log does not hold. */
const OFFSET_OUT_OF_RANGE = 1

const partitionKey = (kafkaTopic: string, partition: number) => `${kafkaTopic}:${partition}`

/** A partition's next offset to read, as a commit carries it. */
interface CommitOffset {
  topic: string
  partition: number
  offset: bigint
}

function groupByTopic(partitions: readonly HeldPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>()
  for (const { kafkaTopic, partition } of partitions) {
    byTopic.set(kafkaTopic, [...(byTopic.get(kafkaTopic) ?? []), partition])
  }
  return byTopic
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
