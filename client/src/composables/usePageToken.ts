// The page's token as a ref: taken from the address's fragment on load (and removed from it),
// else what this tab had before a reload; `setToken` stores a pasted one.

import { shallowRef, type ShallowRef } from 'vue'

import { tokenFromFragment } from '../lib/page-token'

const STORAGE_KEY = 'herald.token'

export interface PageToken {
  token: Readonly<ShallowRef<string | undefined>>
  setToken: (token: string) => void
}

export function usePageToken(): PageToken {
  const { token: fromFragment, hash } = tokenFromFragment(location.hash)
  if (fromFragment !== undefined) {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
    sessionStorage.setItem(STORAGE_KEY, fromFragment)
  }
  const token = shallowRef(fromFragment ?? sessionStorage.getItem(STORAGE_KEY) ?? undefined)
  return {
    token,
    setToken(next) {
      const trimmed = next.trim()
      if (trimmed === '') sessionStorage.removeItem(STORAGE_KEY)
      else sessionStorage.setItem(STORAGE_KEY, trimmed)
      token.value = trimmed === '' ? undefined : trimmed
    },
  }
}
