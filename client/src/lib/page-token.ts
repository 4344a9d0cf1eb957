// The page's subscriber token. It arrives pasted, or in the address's fragment (`#token=…`), which
// browsers never send to a server; it is taken out of the address at once, so it stays out of
// history, bookmarks and screenshots, and kept in sessionStorage for reloads of this tab only.

const FRAGMENT_PARAM = 'token'

/** The token in a fragment such as `#token=eyJ…`, and the fragment without it. */
export function tokenFromFragment(hash: string): { token: string | undefined; hash: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  if (!params.has(FRAGMENT_PARAM)) return { token: undefined, hash }
  const token = params.get(FRAGMENT_PARAM)?.trim() || undefined
  params.delete(FRAGMENT_PARAM)
  const rest = params.toString()
  return { token, hash: rest === '' ? '' : `#${rest}` }
}

/** What a token says about itself, for the page to show: read, never trusted (the server verifies). */
export interface TokenSummary {
  subject: string | undefined
  watch: string[]
  /** `exp` in milliseconds since the epoch. */
  expiresAt: number | undefined
  /** The `admin` claim: the token opens the operator's API. */
  admin: boolean
}

export function summarizeToken(token: string): TokenSummary | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))),
    ) as Record<string, unknown>
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : undefined,
      watch: Array.isArray(claims.watch)
        ? claims.watch.filter((entry): entry is string => typeof entry === 'string')
        : [],
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
      admin: claims.admin === true,
    }
  } catch {
    return undefined
  }
}
