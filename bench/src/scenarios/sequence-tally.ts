// Exactly what arrived of what was accepted, per topic: each notification carries its topic's
// sequence number, so lost and duplicated ones are counted, not guessed from totals. A POST that
// was not answered 202 is not owed; if its record arrives anyway it is counted apart.

export interface TallyCounts {
  /** Answered 202. */
  accepted: number
  /** Distinct accepted ones that arrived. */
  received: number
  /** Accepted and never arrived. */
  lost: number
  /** Arrivals of a sequence number already seen. */
  duplicates: number
  /** Arrived although their POST was not answered 202 (a timeout that still reached Kafka). */
  unaccepted: number
  /** Per topic, only those that lost any. */
  lostByTopic: Record<string, number>
  /** Per topic, only those that received any twice. */
  duplicatesByTopic: Record<string, number>
}

interface TopicTally {
  next: number
  accepted: Set<number>
  seen: Set<number>
  duplicates: number
}

export class SequenceTally {
  readonly #topics = new Map<string, TopicTally>()

  #of(topic: string): TopicTally {
    let tally = this.#topics.get(topic)
    if (tally === undefined) {
      tally = { next: 0, accepted: new Set(), seen: new Set(), duplicates: 0 }
      this.#topics.set(topic, tally)
    }
    return tally
  }

  /** The next sequence number of `topic`, from 0. */
  next(topic: string): number {
    const tally = this.#of(topic)
    return tally.next++
  }

  /** `seq` of `topic` was answered 202: it is owed to the subscriber. */
  accepted(topic: string, seq: number): void {
    this.#of(topic).accepted.add(seq)
  }

  /** Records one arrival; true when it is the first of its sequence number. */
  received(topic: string, seq: number): boolean {
    const tally = this.#of(topic)
    if (tally.seen.has(seq)) {
      tally.duplicates += 1
      return false
    }
    tally.seen.add(seq)
    return true
  }

  /** True once every accepted notification arrived. */
  complete(): boolean {
    for (const { accepted, seen } of this.#topics.values()) {
      for (const seq of accepted) if (!seen.has(seq)) return false
    }
    return true
  }

  /** One topic's figures. */
  countsOf(topic: string): {
    accepted: number
    received: number
    lost: number
    duplicates: number
  } {
    const tally = this.#topics.get(topic)
    if (tally === undefined) return { accepted: 0, received: 0, lost: 0, duplicates: 0 }
    let received = 0
    for (const seq of tally.accepted) if (tally.seen.has(seq)) received += 1
    const accepted = tally.accepted.size
    return { accepted, received, lost: accepted - received, duplicates: tally.duplicates }
  }

  counts(): TallyCounts {
    const counts: TallyCounts = {
      accepted: 0,
      received: 0,
      lost: 0,
      duplicates: 0,
      unaccepted: 0,
      lostByTopic: {},
      duplicatesByTopic: {},
    }
    for (const [topic, { accepted, seen, duplicates }] of this.#topics) {
      let received = 0
      for (const seq of accepted) if (seen.has(seq)) received += 1
      counts.accepted += accepted.size
      counts.received += received
      counts.unaccepted += seen.size - received
      counts.duplicates += duplicates
      if (received < accepted.size) counts.lostByTopic[topic] = accepted.size - received
      if (duplicates > 0) counts.duplicatesByTopic[topic] = duplicates
    }
    counts.lost = counts.accepted - counts.received
    return counts
  }
}
