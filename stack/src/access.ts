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
