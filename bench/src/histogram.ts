// Latencies of one scenario, kept as log-spaced buckets (1 % wide) instead of every sample, so that
// load generators and subscriber workers can each record millions of values and the orchestrator
// merges what they send over IPC.

/** Bucket width: a reported percentile is at most this far above the true sample. */
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
/** Values are recorded in microseconds; anything below 1 µs lands in bucket 0. */
const MICROS_PER_MS = 1000

export interface LatencySummary {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** What travels over IPC: sparse `[bucket, count]` pairs plus the exact extremes. */
export interface HistogramData {
  buckets: [number, number][]
  count: number
  sumMs: number
  maxMs: number
}

export class Histogram {
  readonly #counts = new Map<number, number>()
  #count = 0
  #sumMs = 0
  #maxMs = 0

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const value = Math.max(0, ms)
    const bucket = bucketOf(value * MICROS_PER_MS)
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1)
    this.#count += 1
    this.#sumMs += value
    if (value > this.#maxMs) this.#maxMs = value
  }

  get count(): number {
    return this.#count
  }

  merge(data: HistogramData): this {
    for (const [bucket, count] of data.buckets) {
      this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + count)
    }
    this.#count += data.count
    this.#sumMs += data.sumMs
    this.#maxMs = Math.max(this.#maxMs, data.maxMs)
    return this
  }

  toData(): HistogramData {
    return {
      buckets: [...this.#counts],
      count: this.#count,
      sumMs: this.#sumMs,
      maxMs: this.#maxMs,
    }
  }

  /** The latency at or below which `fraction` of the samples fall, in milliseconds. */
  percentile(fraction: number): number {
    if (this.#count === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(fraction * this.#count))
    let seen = 0
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket) ?? 0
      // A bucket's upper edge, but never above the largest sample actually seen.
      if (seen >= rank) return Math.min(upperEdgeOf(bucket) / MICROS_PER_MS, this.#maxMs)
    }
    return this.#maxMs
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.#count === 0 ? Number.NaN : this.#maxMs,
      mean: this.#count === 0 ? Number.NaN : this.#sumMs / this.#count,
    }
  }
}

function bucketOf(micros: number): number {
  return micros < 1 ? 0 : Math.floor(Math.log(micros) / LOG_GROWTH) + 1
}

function upperEdgeOf(bucket: number): number {
  return bucket === 0 ? 1 : GROWTH ** bucket
}
