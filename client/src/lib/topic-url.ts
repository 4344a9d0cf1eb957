// The watched topics live in the page's address (`/?topics=orders,alerts`), so a link or a reload
// opens the same view.

import { isValidTopic } from '@herald/shared'

const PARAM = 'topics'

/** The valid, distinct topics of a query string such as `?topics=orders,alerts`, in order. */
export function parseTopics(search: string): string[] {
  const names = new URLSearchParams(search)
    .getAll(PARAM)
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
  return [...new Set(names.filter(isValidTopic))]
}

/** `url` with its `topics` parameter set to `topics`, or removed when there are none. */
export function withTopics(url: string, topics: readonly string[]): string {
  const target = new URL(url)
  const params = new URLSearchParams(target.search)
  params.delete(PARAM)
  // Topic names are [A-Za-z0-9._-] and need no escaping; writing the commas by hand keeps the link
  // readable where URLSearchParams would write %2C.
  const query = [params.toString(), topics.length > 0 ? `${PARAM}=${topics.join(',')}` : '']
    .filter((part) => part !== '')
    .join('&')
  target.search = query === '' ? '' : `?${query}`
  return `${target.pathname}${target.search}${target.hash}`
}
