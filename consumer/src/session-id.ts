// Sticky sessions without cookies. nginx balances a connection's first request by a random key
// (its $request_id) and forwards that key in a header; the consumer makes it the Engine.IO session
// id. Every later request of the session carries `?sid=<id>`, nginx hashes that same string, and so
// reaches the same instance — per connection, not per client IP.

export const AFFINITY_HEADER = 'x-herald-affinity'

/** nginx's $request_id: 32 hex digits. */
const AFFINITY_KEY = /^[0-9a-f]{32}$/

/**
 * The session id for a new Engine.IO session: the affinity key nginx chose when it is well formed
 * and not in use, else `undefined` (the caller then makes a random one; such a session works with
 * WebSocket but cannot fall back to long-polling through nginx).
 */
export function sessionIdFromAffinity(
  header: string | string[] | undefined,
  isTaken: (id: string) => boolean,
): string | undefined {
  if (typeof header !== 'string' || !AFFINITY_KEY.test(header) || isTaken(header)) return undefined
  return header
}
