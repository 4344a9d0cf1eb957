// What one subscriber received of one topic, by offset: within a partition herald's records have
// consecutive offsets, so a socket that keeps the next offset it expects per partition counts its
// losses and repeats exactly with a few numbers, however long the run (a set of every record
// seen would grow with it).

export interface OffsetCounts {
  received: number
  duplicates: number
  /** Offsets skipped over: records that never arrived before a later one did. */
  skipped: number
}

export class OffsetTally {
  readonly #next = new Map<number, number>()
  #received = 0
  #duplicates = 0
  #skipped = 0

  /** Starts each listed partition at its position (an ack's `positions` of the topic). */
  startAt(position: Record<string, string>): void {
    for (const [partition, offset] of Object.entries(position)) {
      if (!this.#next.has(Number(partition))) this.#next.set(Number(partition), Number(offset))
    }
  }

  /** Records one arrival of `offset` on `partition`. */
  received(partition: number, offset: number): void {
    const expected = this.#next.get(partition)
    if (expected !== undefined && offset < expected) {
      this.#duplicates += 1
      return
    }
    if (expected !== undefined) this.#skipped += offset - expected
    this.#received += 1
    this.#next.set(partition, offset + 1)
  }

  /** Each partition's next expected offset: what a re-subscribe sends as its positions. */
  position(): Record<string, string> {
    return Object.fromEntries([...this.#next].map(([partition, next]) => [partition, `${next}`]))
  }

  /** Records missing at the end: skipped ones plus those short of each partition's `end`. */
  missingAgainst(end: Record<string, string>): number {
    let short = 0
    for (const [partition, offset] of Object.entries(end)) {
      // A partition it never had a position on: all of it is missing.
      const next = this.#next.get(Number(partition)) ?? 0
      short += Math.max(0, Number(offset) - next)
    }
    return this.#skipped + short
  }

  counts(): OffsetCounts {
    return { received: this.#received, duplicates: this.#duplicates, skipped: this.#skipped }
  }
}
