// Validates answers against the producer's OpenAPI document: the status must be documented for
// the route and method, and the body must match that answer's schema.

import { OPENAPI_DOCUMENT } from '@herald/shared/openapi'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'

type Operation = {
  responses: Record<string, { content?: { 'application/json': { schema: object } } }>
}

const ajv = new Ajv2020({ strict: false, allErrors: true })
// Refs in the document are relative to it: register it whole, and point every ref at it.
const rooted = (schema: unknown): object =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object
ajv.addSchema({ $id: 'openapi', components: rooted(OPENAPI_DOCUMENT.components) })

const templates = Object.keys(OPENAPI_DOCUMENT.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
}))

/** The documented path a request path falls under, or undefined. */
export function documentedPath(path: string): string | undefined {
  // Express routes `/notify/` as `/notify`.
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path
  return templates.find(({ pattern }) => pattern.test(trimmed))?.template
}

/** What is wrong with an error answer of any path: it must carry the contract's error body. */
export function errorProblem(status: number, body: unknown): string | undefined {
  return validate(`error ${status}`, { responses: { error: errorResponse() } }, body, 'error')
}

const validators = new Map<string, ValidateFunction | undefined>()

/** What is wrong with an answer by the document, or undefined when it conforms. */
export function answerProblem(
  path: string,
  method: string,
  status: number,
  body: unknown,
): string | undefined {
  const template = documentedPath(path)
  if (template === undefined) return `${path} is not in the document`
  const item = OPENAPI_DOCUMENT.paths[template as keyof typeof OPENAPI_DOCUMENT.paths] as Record<
    string,
    Operation | undefined
  >
  const operation = item[method.toLowerCase()]
  if (operation === undefined) {
    // Any method the document does not list is answered 405 with the contract's error body.
    return status === 405
      ? validate('405', { responses: { '405': errorResponse() } }, body)
      : `${method} ${template} answered ${status}, not 405`
  }
  const key = `${method} ${template} ${status}`
  if (!(String(status) in operation.responses)) return `${key}: status not documented`
  return validate(key, operation, body, String(status))
}

function errorResponse() {
  return { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
}

function validate(
  key: string,
  operation: Operation,
  body: unknown,
  status = key,
): string | undefined {
  if (!validators.has(key)) {
    const schema = operation.responses[status]?.content?.['application/json'].schema
    validators.set(key, schema === undefined ? undefined : ajv.compile(rooted(schema)))
  }
  const check = validators.get(key)
  if (check === undefined || check(body)) return undefined
  return `${key}: ${ajv.errorsText(check.errors)}`
}
