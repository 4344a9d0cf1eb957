// Keeps the watched topics in the page's address (`/?topics=orders,alerts`) without adding
// history entries, so a copied link or a reload opens the same view.

import { watch, type Ref } from 'vue'

import { withTopics } from '../lib/topic-url'

export function useTopicsInUrl(topics: Readonly<Ref<readonly string[]>>): void {
  watch(
    topics,
    (current) => history.replaceState(history.state, '', withTopics(location.href, current)),
    { immediate: true },
  )
}
