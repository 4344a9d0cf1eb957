// The operator API's answers (GET /admin/…), shared by the producer that builds them, the
// operator's page that shows them and the tests.

/** One topic of `GET /admin/topics`: its lag and who reads each partition. */
export interface TopicLagView {
  topic: string
  partitions: number
  /** Records the consumer group has yet to deliver, over all partitions. */
  lag: number
  /** The distinct consumers holding its partitions, sorted. */
  owners: string[]
  detail: {
    partition: number
    /** Offsets are decimal strings (64-bit). */
    end: string
    committed: string | null
    lag: number
    owner: string | null
  }[]
}
