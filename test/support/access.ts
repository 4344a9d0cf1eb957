// Credentials for the tests that run a stack with access on: publisher keys, the token secret, and
// the HTTP calls that carry them.

import { signToken, type TokenClaims } from '@herald/shared/access'

export const TOKEN_SECRET = 'integration-tests-shared-secret-0123456789'

/** The environment that turns access on, with `keys` as HERALD_PUBLISHER_KEYS. */
export function accessEnv(keys: readonly object[]): Record<string, string> {
  return { HERALD_PUBLISHER_KEYS: JSON.stringify(keys), HERALD_TOKEN_SECRET: TOKEN_SECRET }
}

export function token(
  subject: string,
  watch: readonly string[],
  extra: Partial<TokenClaims> = {},
): Promise<string> {
  return signToken(TOKEN_SECRET, { subject, watch, ttlSeconds: 600, ...extra })
}

export interface Answer {
  status: number
  headers: Headers
  body: { error?: { code: string; message: string } } & Record<string, unknown>
}

/** One HTTP call with an optional bearer credential and JSON body. */
export async function call(
  url: string,
  { method = 'GET', bearer, body }: { method?: string; bearer?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  })
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  }
}
