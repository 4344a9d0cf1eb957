// The range every HERALD_LIMIT_* count accepts: at least one, and no more than a counter in
// Redis can meaningfully hold per window.
export const LIMIT_RANGE = { min: 1, max: 10_000_000 } as const
