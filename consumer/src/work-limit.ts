// At most `concurrency` pieces of work at once, the rest queued in order: a Redis restart makes
// every socket of an instance catch up together, and Kafka should see a steady stream of reads,
// not thousands at the same instant.

export type WorkLimit = <T>(work: () => Promise<T>) => Promise<T>

export function createWorkLimit(concurrency: number): WorkLimit {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(work: () => Promise<T>): Promise<T> => {
    // A finished piece hands its slot straight to the next in line, so `running` never overshoots.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    else running += 1
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running -= 1
      else next()
    }
  }
}
