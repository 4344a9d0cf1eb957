// Publisher keys: who may publish, to which topics, and whether they may create topics. Keys are
// configured as JSON (HERALD_PUBLISHER_KEYS, or a file), each either in clear or as the SHA-256 of
// the key, so that a configuration file need not hold a usable secret. Presented keys are hashed
// and looked up by hash: the key itself is never kept, compared or logged.

import { createHash, randomBytes } from 'node:crypto'

import { subscriptionProblem } from '../subscription.js'

export interface PublisherKey {
  /** Names the key in logs, limits and metrics; never the key itself. */
  name: string
  /** Topics and patterns the key may publish to (and read the history of). */
  publish: string[]
  /** Whether a publish to a topic that does not exist yet may create it, and POST /topics. */
  createTopics: boolean
  /** Notifications per second this key may publish, overriding the default limit. */
  publishRate?: number
}

/** The SHA-256 of a key, hex: what a configuration may hold instead of the key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** A fresh key: 32 random bytes, URL-safe, with a prefix that makes it recognisable in a leak. */
export function generateKey(): string {
  return `hk_${randomBytes(32).toString('base64url')}`
}

export class PublisherKeyring {
  readonly #byHash: ReadonlyMap<string, PublisherKey>

  constructor(byHash: ReadonlyMap<string, PublisherKey>) {
    this.#byHash = byHash
  }

  get size(): number {
    return this.#byHash.size
  }

  /** The key's grants, or undefined for a key that is not configured. */
  identify(presented: string): PublisherKey | undefined {
    return this.#byHash.get(hashKey(presented))
  }
}

const FIELDS = ['name', 'key', 'sha256', 'publish', 'createTopics', 'publishRate']

/**
 * Reads the JSON array of keys: `[{"name", "key" | "sha256", "publish": [...], "createTopics"?,
 * "publishRate"?}]`. Returns the keyring, or every problem found, each naming the item.
 */
export function parsePublisherKeys(
  json: string,
  source: string,
): { ok: true; keyring: PublisherKeyring } | { ok: false; problems: string[] } {
  let items: unknown
  try {
    items = JSON.parse(json)
  } catch (error) {
    return { ok: false, problems: [`${source}: not JSON (${(error as Error).message})`] }
  }
  if (!Array.isArray(items) || items.length === 0) {
    return { ok: false, problems: [`${source}: expected a non-empty JSON array of keys`] }
  }
  const problems: string[] = []
  const byHash = new Map<string, PublisherKey>()
  const names = new Set<string>()
  for (const [index, item] of items.entries()) {
    const at = `${source}[${index}]`
    const found = keyProblems(item)
    if (found.length > 0) {
      problems.push(...found.map((problem) => `${at}: ${problem}`))
      continue
    }
    const fields = item as Record<string, unknown>
    const name = fields.name as string
    const hash = typeof fields.key === 'string' ? hashKey(fields.key) : (fields.sha256 as string)
    if (names.has(name)) problems.push(`${at}: name "${name}" used twice`)
    if (byHash.has(hash)) problems.push(`${at}: the same key is configured twice`)
    names.add(name)
    byHash.set(hash, {
      name,
      publish: fields.publish as string[],
      createTopics: fields.createTopics === true,
      ...(fields.publishRate === undefined ? {} : { publishRate: fields.publishRate as number }),
    })
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, keyring: new PublisherKeyring(byHash) }
}

function keyProblems(item: unknown): string[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return ['expected an object']
  const fields = item as Record<string, unknown>
  const problems = Object.keys(fields)
    .filter((field) => !FIELDS.includes(field))
    .map((field) => `unknown field "${field}" (allowed: ${FIELDS.join(', ')})`)
  if (typeof fields.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(fields.name)) {
    problems.push('name must be 1 to 64 characters of [A-Za-z0-9._-]')
  }
  const { key, sha256 } = fields
  if ((key === undefined) === (sha256 === undefined)) {
    problems.push('give exactly one of "key" (the key itself) and "sha256" (its hash)')
  } else if (key !== undefined && (typeof key !== 'string' || key.length < 24)) {
    problems.push('key must be a string of at least 24 characters (npm run key makes one)')
  } else if (
    sha256 !== undefined &&
    (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
  ) {
    problems.push('sha256 must be 64 lowercase hex digits')
  }
  const { publish } = fields
  if (!Array.isArray(publish) || publish.length === 0) {
    problems.push('publish must be a non-empty array of topics and patterns')
  } else {
    for (const [index, grant] of publish.entries()) {
      const problem =
        typeof grant === 'string' && grant.includes('#')
          ? 'a publish grant is a topic or a pattern, not a keyed stream'
          : subscriptionProblem(grant)
      if (problem !== undefined) problems.push(`publish[${index}]: ${problem}`)
    }
  }
  if (fields.createTopics !== undefined && typeof fields.createTopics !== 'boolean') {
    problems.push('createTopics must be true or false')
  }
  const { publishRate } = fields
  if (
    publishRate !== undefined &&
    (!Number.isInteger(publishRate) || (publishRate as number) < 1)
  ) {
    problems.push('publishRate must be a positive integer (notifications per second)')
  }
  return problems
}
