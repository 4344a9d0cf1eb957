// Exactly what arrived of what was sent, per stream: each notification carries its stream's
// sequence number, so lost and duplicated ones are counted, not guessed from totals.

export interface TallyCounts {
  sent: number
  received: number
  lost: number
  duplicated: number
}

export class SequenceTally {
  readonly #sent = new Map<string, number>()
  readonly #seen = new Map<string, Set<number>>()
  #duplicated = 0

  /** Records that `stream` was sent sequence number `seq` (and got a 202). */
  sent(stream: string): number {
    const seq = this.#sent.get(stream) ?? 0
    this.#sent.set(stream, seq + 1)
    return seq
  }

  /** Records one arrival; true when it is the first of its sequence number. */
  received(stream: string, seq: number): boolean {
    const seen = this.#seen.get(stream) ?? new Set<number>()
    this.#seen.set(stream, seen)
    if (seen.has(seq)) {
      this.#duplicated += 1
      return false
    }
    seen.add(seq)
    return true
  }

  /** True once every stream received every sequence number it was sent. */
  complete(): boolean {
    return [...this.#sent].every(([stream, sent]) => (this.#seen.get(stream)?.size ?? 0) >= sent)
  }

  counts(): TallyCounts {
    let sent = 0
    let received = 0
    for (const [stream, count] of this.#sent) {
      sent += count
      const seen = this.#seen.get(stream) ?? new Set<number>()
      for (const seq of seen) if (seq < count) received += 1
    }
    return { sent, received, lost: sent - received, duplicated: this.#duplicated }
  }
}
