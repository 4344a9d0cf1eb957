// The native stack runs on loopback for a new user's first minutes: when the environment names no
// publisher key and no token key, it runs herald open — on purpose, and saying so — rather than
// refuse to start. Any access setting in the environment turns that off: the services then check
// keys and tokens exactly as in production.

export const ACCESS_VARS = [
  'HERALD_OPEN_ACCESS',
  'HERALD_PUBLISHER_KEYS',
  'HERALD_PUBLISHER_KEYS_FILE',
  'HERALD_TOKEN_SECRET',
  'HERALD_TOKEN_SECRET_FILE',
  'HERALD_TOKEN_PUBLIC_KEY',
  'HERALD_TOKEN_PUBLIC_KEY_FILE',
  'HERALD_TOKEN_JWKS_URL',
] as const

export const OPEN_STACK_NOTICE = [
  'running OPEN: anyone who reaches this machine may publish to and watch every topic.',
  '  To turn access on: npm run -s key -- --name me --publish "*" --create-topics',
  '  then: HERALD_PUBLISHER_KEYS_FILE=.herald/keys.json HERALD_TOKEN_SECRET_FILE=.herald/token-secret npm start',
  '  and give the page a token from: npm run -s token -- --sub me --watch "*"  (README › Access)',
].join('\n')

/** The access settings to add to the services' environment: open, unless any were given. */
export function defaultAccessEnv(
  ...environments: ReadonlyArray<Readonly<Record<string, string | undefined>>>
): Record<string, string> {
  const given = ACCESS_VARS.some((name) => environments.some((env) => (env[name] ?? '') !== ''))
  return given ? {} : { HERALD_OPEN_ACCESS: 'true' }
}

/**
 * Every limit raised far above any load on this machine (they are still checked, in Redis, on
 * every request): for the tests that are not about limits and for the bench, which measures how
 * fast herald goes, not where its limits stop one client.
 */
export const UNLIMITED_ENV: Readonly<Record<string, string>> = {
  HERALD_LIMIT_PUBLISH_RATE: '10000000',
  HERALD_LIMIT_TOPIC_CREATIONS_PER_KEY: '10000000',
  HERALD_LIMIT_TOPIC_CREATIONS: '10000000',
  HERALD_LIMIT_SOCKETS_PER_SUBJECT: '10000000',
  HERALD_LIMIT_SOCKETS_PER_ADDRESS: '10000000',
  HERALD_LIMIT_SUBSCRIBES_PER_SOCKET: '10000000',
}
