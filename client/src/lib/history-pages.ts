// Paging a topic's history both ways with the API's positions. The API pages forward only: the
// latest records, or the records after a position, and `next` says exactly where the following page
// starts. Newer pages follow `next`. An older page is asked for by moving each partition's start
// back by the page size, and kept only where it reaches the start of the page before it: so every
// page shows, per partition, an unbroken run of offsets that ends where the newer page begins, and
// paging back and forth never skips a record nor shows one twice.

import type { Notification, Position } from '@herald/shared'

import type { ApiResult } from './api-answer'
import type { HistoryPage } from './admin-client'

export interface HistoryView {
  /** Oldest first: the partitions merged by record time, each in offset order. */
  messages: Notification[]
  /** Per partition, the offset this view starts at: the end of the older page. */
  start: Position
  /** Per partition, where the newer page starts. */
  next: Position
  /** No record is older than this view (every partition starts at 0, or nothing older came). */
  oldest: boolean
}

export type FetchPage = (since: Position | undefined) => Promise<ApiResult<HistoryPage>>

const isOldest = (start: Position): boolean =>
  Object.values(start).every((offset) => offset === '0')

/** The latest page: per partition, it starts at its first record shown (it shows a suffix). */
export function newestView(page: HistoryPage): HistoryView {
  const start: Position = { ...page.next }
  for (const { partition, offset } of page.messages) {
    const current = start[partition]
    if (current === undefined || BigInt(offset) < BigInt(current)) start[partition] = offset
  }
  return { messages: page.messages, start, next: page.next, oldest: isOldest(start) }
}

/** The page the API answered for `since`: it starts there. */
export function forwardView(since: Position, page: HistoryPage): HistoryView {
  const start = { ...page.next, ...since }
  return { messages: page.messages, start, next: page.next, oldest: isOldest(start) }
}

/** Merges runs in offset order by record time, then partition: the API's own order. */
export function mergeByTime(runs: readonly Notification[][]): Notification[] {
  const heads = runs.map(() => 0)
  const merged: Notification[] = []
  for (;;) {
    let pick = -1
    runs.forEach((run, index) => {
      const candidate = run[heads[index] ?? 0]
      if (candidate === undefined) return
      const best = pick < 0 ? undefined : runs[pick]?.[heads[pick] ?? 0]
      if (
        best === undefined ||
        candidate.timestamp < best.timestamp ||
        (candidate.timestamp === best.timestamp && candidate.partition < best.partition)
      ) {
        pick = index
      }
    })
    if (pick < 0) return merged
    merged.push(runs[pick]?.[heads[pick] ?? 0] as Notification)
    heads[pick] = (heads[pick] ?? 0) + 1
  }
}

/**
 * The page before `view`: up to `limit` records per partition, ending where `view` starts. A
 * partition the answers did not cover up to there (other partitions' records filled the pages)
 * is asked again from where the answer stopped, a bounded number of times; one still short keeps
 * its start and shows nothing this time, rather than leave a hole.
 */
export async function olderView(
  view: HistoryView,
  limit: number,
  fetchPage: FetchPage,
): Promise<ApiResult<HistoryView>> {
  const goal = new Map(Object.entries(view.start).map(([p, offset]) => [p, BigInt(offset)]))
  const from = new Map(
    [...goal].map(([p, end]) => [p, end > BigInt(limit) ? end - BigInt(limit) : 0n]),
  )
  const reached = new Map(from)
  const runs = new Map<string, Notification[]>([...goal.keys()].map((p) => [p, []]))
  const short = () => [...goal].filter(([p, end]) => (reached.get(p) ?? end) < end)

  for (let round = 0; round < goal.size + 2 && short().length > 0; round++) {
    const since: Position = {}
    for (const [p, end] of goal)
      since[p] = String((reached.get(p) ?? end) < end ? reached.get(p) : end)
    const answer = await fetchPage(since)
    if (!answer.ok) return answer
    let moved = false
    for (const message of answer.value.messages) {
      const p = String(message.partition)
      const end = goal.get(p)
      const offset = BigInt(message.offset)
      if (end === undefined || offset >= end || offset < BigInt(since[p] ?? '0')) continue
      runs.get(p)?.push(message)
    }
    for (const [p, end] of short()) {
      const next = answer.value.next[p]
      // A partition the answer has no end for has nothing more to give.
      const stop = next === undefined ? end : BigInt(next) < end ? BigInt(next) : end
      if (stop > (reached.get(p) ?? 0n)) moved = true
      reached.set(p, stop)
    }
    if (!moved) break
  }

  const start: Position = {}
  for (const [p, end] of goal) {
    const complete = (reached.get(p) ?? end) >= end
    start[p] = String(complete ? from.get(p) : end)
    if (!complete) runs.set(p, [])
  }
  const messages = mergeByTime([...runs.values()])
  return {
    ok: true,
    value: { messages, start, next: view.start, oldest: isOldest(start) || messages.length === 0 },
  }
}
