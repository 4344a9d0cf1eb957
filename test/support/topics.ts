import { randomBytes } from 'node:crypto'

/** A topic no other test uses, named after what it is for. */
export function uniqueTopic(label: string): string {
  return `test.${label}.${randomBytes(4).toString('hex')}`
}
