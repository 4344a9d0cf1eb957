// Which subscription rooms the other consumer instances have sockets in, so that a record no other
// instance needs is broadcast here only: no PUBLISH, no MessagePack encoding here, no decoding and
// empty broadcast on every other instance. A stream per user means most records concern one
// socket on one instance; a topic nobody watches concerns none.
//
// Instances tell each other on one Redis channel. Skipping a publish is only safe while this
// instance is sure nobody else needs it, so:
// - A room created here is announced, and the join that created it (awaited by `socket.join`, so
//   before the subscription reads the log's end and answers) waits until every instance subscribed
//   to the channel confirmed it: PUBLISH answers how many receive a message, this instance's own
//   copy included. A record past the answer's positions is read after every broadcaster knew.
// - Until this instance has heard every other's full list (a `hello` answered by all), and from
//   the moment its channel connection drops (it may miss announcements), it publishes everything.
// - A slow instance delays a join by at most the ack timeout, then the join goes on (logged):
//   whatever that instance reads later it handles after the announcement, which reached it first.
// An instance that stops without a `bye` leaves its rooms behind: extra publishes, never missing
// ones, until a later `hello` round finds it no longer listening.

import type { Logger } from '@herald/shared/service'

type Adapter = object

interface AdapterInternals {
  rooms: Map<string, Set<string>>
  addAll: (id: string, rooms: Set<string>) => Promise<void> | void
  on: (event: 'delete-room', listener: (room: string) => void) => void
}

export type RoomMessage =
  | { kind: 'change'; from: string; id: number; add: string[]; remove: string[] }
  | { kind: 'hello'; from: string; id: number; rooms: string[] }
  | { kind: 'reply'; from: string; to: string; id: number; rooms?: string[] }
  | { kind: 'bye'; from: string }

export interface RoomDirectoryOptions {
  /** This instance's name: unique among the instances sharing the channel. */
  instance: string
  /** PUBLISHes on the directory's channel; resolves to the number of receivers. */
  publish: (message: string) => Promise<number>
  /** How long an announcement waits for every instance to confirm it. @default 2000 */
  ackTimeoutMs?: number
  /** How often the full lists are exchanged again (forgets instances no longer listening). @default 60000 */
  helloIntervalMs?: number
  logger: Logger
}

export function roomDirectoryChannel(topicPrefix: string): string {
  return `herald:${topicPrefix}:rooms`
}

/** Hears one reply (or this instance's own copy) to a request in flight. */
type ReplyListener = (from: string, rooms: string[] | undefined) => void

export class RoomDirectory {
  readonly #instance: string
  readonly #publish: (message: string) => Promise<number>
  readonly #ackTimeoutMs: number
  readonly #helloIntervalMs: number
  readonly #logger: Logger
  /** Subscription rooms with a socket on this instance (sockets' own rooms left out). */
  readonly #local = new Set<string>()
  /** The other instances' subscription rooms, by instance. */
  readonly #remote = new Map<string, Set<string>>()
  /** Whether #remote is complete: every listening instance answered a hello since the last drop. */
  #complete = false
  /** Rooms created or deleted here in this tick, announced together at its end. */
  readonly #touched = new Set<string>()
  #announced: { promise: Promise<void>; resolve: () => void } | undefined
  /** Rooms whose creation is announced and not yet confirmed: a join of them waits too. */
  readonly #unconfirmed = new Map<string, Promise<void>>()
  readonly #waiting = new Map<number, ReplyListener>()
  #nextId = 0
  /** Counts messages heard, and the last count at which each other instance was heard. */
  #heard = 0
  readonly #lastHeard = new Map<string, number>()
  /** Connection drops so far: a hello spanning one proves nothing. */
  #drops = 0
  #helloTimer: NodeJS.Timeout | undefined
  #closed = false

  constructor({
    instance,
    publish,
    ackTimeoutMs = 2000,
    helloIntervalMs = 60_000,
    logger,
  }: RoomDirectoryOptions) {
    this.#instance = instance
    this.#publish = publish
    this.#ackTimeoutMs = ackTimeoutMs
    this.#helloIntervalMs = helloIntervalMs
    this.#logger = logger
  }

  /** Whether a broadcast to `rooms` must go through Redis: another instance may have a socket in one. */
  needsOthers(rooms: readonly string[]): boolean {
    if (!this.#complete) return true
    for (const room of rooms) {
      for (const theirs of this.#remote.values()) if (theirs.has(room)) return true
    }
    return false
  }

  /** Wraps an adapter factory so that rooms created and deleted here are announced. */
  wrap<Factory extends (nsp: never) => object>(factory: Factory): Factory {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the factory must be a plain function
    const directory = this
    // Socket.IO calls `new factory(nsp)`: an arrow function cannot be called with `new`.
    return function announcingAdapter(nsp: never): Adapter {
      return directory.#patch(factory(nsp) as Adapter & AdapterInternals)
    } as Factory
  }

  /** Hands over a message from the channel (this instance's own included). */
  receive(raw: string): void {
    const message = parseRoomMessage(raw)
    if (message === undefined) return
    if (message.kind === 'reply') {
      if (message.to === this.#instance)
        this.#waiting.get(message.id)?.(message.from, message.rooms)
      return
    }
    if (message.from === this.#instance) {
      // Our own copy: this instance's channel connection is one of the receivers PUBLISH counted.
      if (message.kind !== 'bye') this.#waiting.get(message.id)?.(this.#instance, undefined)
      return
    }
    this.#lastHeard.set(message.from, ++this.#heard)
    if (message.kind === 'bye') {
      this.#remote.delete(message.from)
      this.#lastHeard.delete(message.from)
      return
    }
    if (message.kind === 'hello') {
      this.#remote.set(message.from, new Set(message.rooms))
      this.#send({
        kind: 'reply',
        from: this.#instance,
        to: message.from,
        id: message.id,
        rooms: [...this.#local],
      })
      return
    }
    const theirs = this.#remote.get(message.from) ?? new Set<string>()
    for (const room of message.add) theirs.add(room)
    for (const room of message.remove) theirs.delete(room)
    this.#remote.set(message.from, theirs)
    // Applied before the reply leaves: every record read after this broadcasts to those rooms.
    this.#send({ kind: 'reply', from: this.#instance, to: message.from, id: message.id })
  }

  /** The channel's connection dropped: announcements may be missed until the next hello. */
  lost(): void {
    this.#drops += 1
    this.#complete = false
  }

  /**
   * Tells every instance this one's rooms and learns theirs; the directory is complete once all
   * answered. Called once the channel is subscribed (again), and on a timer.
   */
  async hello(): Promise<boolean> {
    const repliers = new Set<string>()
    const [heardBefore, dropsBefore] = [this.#heard, this.#drops]
    let listening = false
    const answered = await this.#request(
      { kind: 'hello', from: this.#instance, id: ++this.#nextId, rooms: [...this.#local] },
      (from, rooms) => {
        if (from === this.#instance) {
          // Our own copy: this instance hears the channel, so it misses no announcement from now.
          listening = true
          return
        }
        // An instance's later announcements follow its reply on the channel: its list is
        // replaced as the reply arrives, never afterwards.
        repliers.add(from)
        this.#remote.set(from, new Set(rooms))
      },
    )
    if (this.#closed) return false
    const complete = answered && listening && this.#drops === dropsBefore
    if (complete) {
      // Every listening instance answered: one that did not, and was not heard from since the
      // hello left, is not listening any more.
      for (const instance of this.#remote.keys()) {
        if (!repliers.has(instance) && (this.#lastHeard.get(instance) ?? 0) <= heardBefore) {
          this.#remote.delete(instance)
          this.#lastHeard.delete(instance)
        }
      }
      this.#complete = true
    } else {
      this.#logger.warn(
        { answered, listening },
        'room directory incomplete: publishing every record until the next hello',
      )
    }
    this.#scheduleHello(complete ? this.#helloIntervalMs : this.#ackTimeoutMs)
    return complete
  }

  /** Stops the timer and tells the others to forget this instance's rooms. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#helloTimer)
    await this.#publish(JSON.stringify({ kind: 'bye', from: this.#instance })).catch(() => 0)
  }

  #patch(adapter: Adapter & AdapterInternals): Adapter {
    const addAll = adapter.addAll.bind(adapter)
    adapter.addAll = (id, rooms) => {
      const created = [...rooms].filter((room) => room !== id && !adapter.rooms.has(room))
      const joined = addAll(id, rooms)
      for (const room of created) {
        this.#local.add(room)
        this.#touch(room)
      }
      const confirmations = [...rooms].flatMap((room) => this.#unconfirmed.get(room) ?? [])
      if (confirmations.length === 0) return joined
      return Promise.all([joined, ...confirmations]).then(() => undefined)
    }
    adapter.on('delete-room', (room) => {
      if (this.#local.delete(room)) this.#touch(room)
    })
    return adapter
  }

  #touch(room: string): void {
    this.#touched.add(room)
    if (this.#announced === undefined) {
      let resolve!: () => void
      const promise = new Promise<void>((done) => (resolve = done))
      this.#announced = { promise, resolve }
      process.nextTick(() => void this.#announceTouched())
    }
    if (this.#local.has(room)) this.#unconfirmed.set(room, this.#announced.promise)
  }

  async #announceTouched(): Promise<void> {
    const announced = this.#announced
    if (announced === undefined) return
    this.#announced = undefined
    const rooms = [...this.#touched]
    this.#touched.clear()
    const add = rooms.filter((room) => this.#local.has(room))
    const remove = rooms.filter((room) => !this.#local.has(room))
    const answered = await this.#request(
      { kind: 'change', from: this.#instance, id: ++this.#nextId, add, remove },
      () => undefined,
    )
    if (!answered && !this.#closed) {
      this.#logger.warn(
        { rooms: add.length },
        'not every instance confirmed new rooms in time; going on',
      )
    }
    for (const room of rooms) {
      if (this.#unconfirmed.get(room) === announced.promise) this.#unconfirmed.delete(room)
    }
    announced.resolve()
  }

  /** Publishes a message and waits (bounded) for a reply from each receiver PUBLISH counted. */
  #request(
    message: Extract<RoomMessage, { id: number }>,
    onReply: ReplyListener,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const replies = new Set<string>()
      let expected = Number.POSITIVE_INFINITY
      const finish = (allAnswered: boolean): void => {
        clearTimeout(timer)
        this.#waiting.delete(message.id)
        resolve(allAnswered)
      }
      const timer = setTimeout(() => finish(false), this.#ackTimeoutMs).unref()
      this.#waiting.set(message.id, (from, rooms) => {
        if (replies.has(from)) return
        replies.add(from)
        onReply(from, rooms)
        if (replies.size >= expected) finish(true)
      })
      this.#publish(JSON.stringify(message)).then(
        (receivers) => {
          expected = receivers
          if (replies.size >= receivers) finish(true)
        },
        () => finish(false),
      )
    })
  }

  #send(message: RoomMessage): void {
    this.#publish(JSON.stringify(message)).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not answer the room directory')
    })
  }

  #scheduleHello(delayMs: number): void {
    clearTimeout(this.#helloTimer)
    if (this.#closed) return
    this.#helloTimer = setTimeout(() => void this.hello(), delayMs).unref()
  }
}

/** A message of the directory's channel, or undefined for anything else. */
export function parseRoomMessage(raw: string): RoomMessage | undefined {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const fields = value as Record<string, unknown>
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'string')
  if (typeof fields.from !== 'string') return undefined
  if (fields.kind === 'bye') return { kind: 'bye', from: fields.from }
  if (typeof fields.id !== 'number') return undefined
  const { kind, from, id } = fields
  if (kind === 'change' && strings(fields.add) && strings(fields.remove)) {
    return { kind, from, id, add: fields.add, remove: fields.remove }
  }
  if (kind === 'hello' && strings(fields.rooms)) return { kind, from, id, rooms: fields.rooms }
  if (kind === 'reply' && typeof fields.to === 'string') {
    if (fields.rooms === undefined) return { kind, from, to: fields.to, id }
    if (strings(fields.rooms)) return { kind, from, to: fields.to, id, rooms: fields.rooms }
  }
  return undefined
}
