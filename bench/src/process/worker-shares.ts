// Subscribers spread over worker processes, and what the workers report back about connecting.

/** How many of `total` the worker `index` of `workers` takes: the first ones take the remainder. */
export function shareOf(total: number, workers: number, index: number): number {
  return Math.floor(total / workers) + (index < total % workers ? 1 : 0)
}

export interface WorkerConnections {
  connected: number
  failed: number
  firstError?: string
}

/** The workers' connection reports added up; the first error any of them met. */
export function sumConnections(
  reports: readonly WorkerConnections[],
): Required<Omit<WorkerConnections, 'firstError'>> & { firstError: string | undefined } {
  return {
    connected: reports.reduce((sum, each) => sum + each.connected, 0),
    failed: reports.reduce((sum, each) => sum + each.failed, 0),
    firstError: reports.find((each) => each.firstError)?.firstError,
  }
}
