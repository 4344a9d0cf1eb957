// The page's token as a ref: taken from the address's fragment on load (and removed from it),
// else what this tab had before a reload; `setToken` stores a pasted one. Each page keeps its own
// (the operator's page its admin token), so opening one never hands its token to the other.

import { shallowRef, type ShallowRef } from 'vue'

import { tokenFromFragment } from '../lib/page-token'

/** The subscriber page's key in sessionStorage. */
export const PAGE_TOKEN_KEY = 'herald.token'

export interface PageToken {
  token: Readonly<ShallowRef<string | undefined>>
  setToken: (token: string) => void
}

export function usePageToken(storageKey = PAGE_TOKEN_KEY): PageToken {
  const { token: fromFragment, hash } = tokenFromFragment(location.hash)
  if (fromFragment !== undefined) {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
    sessionStorage.setItem(storageKey, fromFragment)
  }
  const token = shallowRef(fromFragment ?? sessionStorage.getItem(storageKey) ?? undefined)
  return {
    token,
    setToken(next) {
      const trimmed = next.trim()
      if (trimmed === '') sessionStorage.removeItem(storageKey)
      else sessionStorage.setItem(storageKey, trimmed)
      token.value = trimmed === '' ? undefined : trimmed
    },
  }
}
