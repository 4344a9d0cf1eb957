// Coalesces the first uses of new topics into few creation requests. A batch to 1,000 new topics
// made 1,000 CreateTopics requests (and as many metadata waits) race one deadline, and the broker
// fell behind; here topics that wait meanwhile go together, up to a bounded number per request,
// one request at a time, so one client's burst of new topics cannot flood the controller.

/** What asking for one topic came to: it exists now (created by this request or before), or why not. */
export type CreationOutcome = { ok: true; created: boolean } | { ok: false; error: Error }

/** Creates the topics in one request and says, for each, what came of it. */
export type CreateTopics = (
  topics: readonly string[],
) => Promise<ReadonlyMap<string, CreationOutcome>>

export interface TopicCreationQueueOptions {
  create: CreateTopics
  /**
   * Most topics in one creation request.
   * @default 100
   */
  maxTopicsPerRequest?: number
}

interface Waiter {
  resolve: (created: boolean) => void
  reject: (error: Error) => void
}

export class TopicCreationQueue {
  readonly #create: CreateTopics
  readonly #maxTopicsPerRequest: number
  /** Topics not yet sent, in the order they were first asked for, with who waits for each. */
  readonly #waiting = new Map<string, Waiter[]>()
  #sending = false

  constructor({ create, maxTopicsPerRequest = 100 }: TopicCreationQueueOptions) {
    this.#create = create
    this.#maxTopicsPerRequest = maxTopicsPerRequest
  }

  /** Resolves once the topic exists (true when this queue created it); rejects with why not. */
  ensure(topic: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const waiters = this.#waiting.get(topic)
      if (waiters !== undefined) waiters.push({ resolve, reject })
      else this.#waiting.set(topic, [{ resolve, reject }])
      // The rest of this tick's first uses join the same request.
      if (!this.#sending) queueMicrotask(() => void this.#sendNext())
    })
  }

  async #sendNext(): Promise<void> {
    if (this.#sending || this.#waiting.size === 0) return
    this.#sending = true
    const batch = new Map([...this.#waiting].slice(0, this.#maxTopicsPerRequest))
    for (const topic of batch.keys()) this.#waiting.delete(topic)
    try {
      const outcomes = await this.#create([...batch.keys()]).catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error))
        return new Map<string, CreationOutcome>([...batch.keys()].map((t) => [t, fail(failure)]))
      })
      for (const [topic, waiters] of batch) {
        const outcome = outcomes.get(topic) ?? fail(new Error(`no answer for topic "${topic}"`))
        for (const waiter of waiters) {
          if (outcome.ok) waiter.resolve(outcome.created)
          else waiter.reject(outcome.error)
        }
      }
    } finally {
      this.#sending = false
    }
    await this.#sendNext()
  }
}

function fail(error: Error): CreationOutcome {
  return { ok: false, error }
}
