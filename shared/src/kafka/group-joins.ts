// Knows when a consumer has a group join in flight, its own rejoins included, from the library's
// diagnostics channel. The subscriber changes its topic list only between joins: a topic added
// while a join is out, and the group's only member then computing the assignment, made the
// library look up a topic the join did not ask metadata for and crash the process.

import { consumerGroupChannel, type Consumer } from '@platformatic/kafka'

interface OperationContext {
  client?: unknown
  operation?: unknown
}

export class GroupJoins {
  readonly #consumer: Consumer
  #inFlight = 0
  #waiting: (() => void)[] = []
  readonly #handlers = {
    start: (context: OperationContext) => {
      if (this.#isJoin(context)) this.#inFlight += 1
    },
    asyncEnd: (context: OperationContext) => {
      if (!this.#isJoin(context)) return
      this.#inFlight = Math.max(0, this.#inFlight - 1)
      if (this.#inFlight > 0) return
      const waiting = this.#waiting
      this.#waiting = []
      for (const resolve of waiting) resolve()
    },
  }

  constructor(consumer: Consumer) {
    this.#consumer = consumer
    consumerGroupChannel.subscribe(this.#handlers as never)
  }

  /** Resolves once no join of this consumer is in flight (at once when none is). */
  settled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  close(): void {
    consumerGroupChannel.unsubscribe(this.#handlers as never)
    this.#inFlight = 0
    for (const resolve of this.#waiting) resolve()
    this.#waiting = []
  }

  #isJoin(context: OperationContext): boolean {
    return context.client === this.#consumer && context.operation === 'joinGroup'
  }
}
