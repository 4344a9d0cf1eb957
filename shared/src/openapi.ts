// The HTTP API as an OpenAPI 3.1 document, served at GET /openapi.json. The tests keep it true:
// every route the app has is here, and every answer the fuzz run provokes through the real
// stack is one of the statuses documented for its route, with a body matching its schema.

import { ERROR_CODES } from './errors.js'

type Schema = Record<string, unknown>

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })

/** Where Kafka stored a record: a POST's 202 body, and each stored item of a batch's answer. */
const RECEIPT_REQUIRED = ['topic', 'partition', 'offset', 'timestamp']
const RECEIPT_PROPERTIES: Record<string, Schema> = {
  topic: ref('Topic'),
  partition: { type: 'integer', minimum: 0 },
  offset: ref('Offset'),
  timestamp: { type: 'integer' },
}
const json = (schema: Schema) => ({ content: { 'application/json': { schema } } })
const retryAfter = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'string' } },
}

/** One error answer: the contract's body, the codes it may carry, and any headers. */
function error(description: string, codes: readonly string[], headers?: Schema) {
  return {
    description: `${description} (codes: ${codes.join(', ')})`,
    ...(headers === undefined ? {} : { headers }),
    ...json(ref('Error')),
  }
}

/** Errors every route may answer: nginx with no producer, a broken request, a method not here. */
/** A request nginx or the router could not read; routes with a body list more 400 codes. */
const MALFORMED = error('a malformed request: its URL or a header could not be read', [
  'invalid_request',
])
const COMMON = {
  '405': error('method not allowed on this path; `Allow` lists the methods', [
    'method_not_allowed',
  ]),
  '503': error(
    'Kafka did not answer in time, nginx reached no producer, or (`/admin/instances`) Redis could not be read',
    ['kafka_unavailable', 'upstream_unavailable'],
    retryAfter,
  ),
}
const AUTH = {
  '401': error(
    'no credential, an unknown key, or a token that does not verify',
    ['unauthorized', 'token_expired'],
    { 'WWW-Authenticate': { schema: { type: 'string' } } },
  ),
  '403': error('the credential holds no grant for this', ['forbidden']),
  '429': error('over a limit', ['rate_limited'], retryAfter),
}
const BODY = {
  '400': error('the body is not what is described', [
    'invalid_request',
    'invalid_json',
    'invalid_body',
    'invalid_topic',
    'invalid_message',
    'invalid_key',
  ]),
  '413': error('body too large', ['payload_too_large']),
  '415': error('not JSON', ['unsupported_media_type']),
}
const topicParameter = {
  name: 'topic',
  in: 'path',
  required: true,
  schema: ref('Topic'),
}
const readers = [{ publisherKey: [] }, { subscriberToken: [] }]
const publishers = [{ publisherKey: [] }, { adminToken: [] }]
const admins = [{ adminToken: [] }]
const ADMIN_AUTH = {
  '401': AUTH['401'],
  '403': error('a publisher key, or a token without `admin: true`', ['forbidden']),
}
const queryInteger = (name: string) => ({
  name,
  in: 'query',
  schema: { type: 'string', pattern: '^[0-9]+$' },
})
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] })
/** An object whose every property is required and no other allowed. */
const closed = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
})
const count = { type: 'integer', minimum: 0 }
const INSTANCE_BASE: Record<string, Schema> = {
  name: { type: 'string' },
  ready: { type: 'boolean' },
  startedAt: { type: 'integer' },
  seenAt: { type: 'integer' },
  rssBytes: count,
  heapUsedBytes: count,
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'herald',
    version: '1',
    description:
      'POST a notification once; every browser watching its topic gets it over Socket.IO (see the README for the Socket.IO events). Through the entry point on :9000. Each instance also answers GET /healthz and GET /readyz on its own port.',
  },
  servers: [{ url: 'http://localhost:9000' }],
  security: [{ publisherKey: [] }],
  paths: {
    '/notify': {
      post: {
        summary: 'Publish one notification; answered once Kafka acknowledged it',
        security: publishers,
        requestBody: { required: true, ...json(ref('NotifyRequest')) },
        responses: {
          '202': { description: 'stored in Kafka', ...json(ref('PublishReceipt')) },
          ...BODY,
          ...AUTH,
          ...COMMON,
        },
      },
    },
    '/notify/batch': {
      post: {
        summary: 'Publish up to HERALD_MAX_BATCH_ITEMS notifications, each on its own',
        security: publishers,
        requestBody: {
          required: true,
          ...json({ type: 'array', minItems: 1, items: ref('NotifyRequest') }),
        },
        responses: {
          '200': { description: 'one result per item, in order', ...json(ref('BatchAnswer')) },
          ...BODY,
          ...AUTH,
          ...COMMON,
        },
      },
    },
    '/topics': {
      get: {
        summary: 'The topics the caller holds grants on',
        security: readers,
        responses: {
          '200': {
            description: 'sorted by name',
            ...json({
              type: 'object',
              required: ['topics'],
              additionalProperties: false,
              properties: { topics: { type: 'array', items: ref('TopicInfo') } },
            }),
          },
          '400': MALFORMED,
          ...AUTH,
          ...COMMON,
        },
      },
      post: {
        summary: 'Create a topic with a partition count (a key with createTopics)',
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['name'],
            properties: {
              name: ref('Topic'),
              partitions: { type: 'integer', minimum: 1 },
            },
          }),
        },
        responses: {
          '201': { description: 'created', ...json(ref('TopicInfo')) },
          '400': error('bad name, partitions or body', [
            'invalid_request',
            'invalid_topic',
            'invalid_partitions',
            'invalid_body',
            'invalid_json',
          ]),
          '409': error('the topic exists', ['topic_exists']),
          '413': BODY['413'],
          '415': BODY['415'],
          ...AUTH,
          ...COMMON,
        },
      },
    },
    '/topics/{topic}/messages': {
      get: {
        summary: "A page of a topic's (or one key's) records, oldest first",
        security: readers,
        parameters: [
          topicParameter,
          { name: 'limit', in: 'query', schema: { type: 'string', pattern: '^[0-9]+$' } },
          { name: 'since', in: 'query', schema: { type: 'string', examples: ['0:12,1:7'] } },
          { name: 'key', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 1024 } },
        ],
        responses: {
          '200': { description: 'the page and where the next starts', ...json(ref('Messages')) },
          '400': error('bad topic, limit, position or key', [
            'invalid_request',
            'invalid_topic',
            'invalid_query',
            'invalid_position',
            'invalid_key',
          ]),
          ...AUTH,
          ...COMMON,
        },
      },
    },
    '/topics/{topic}/position': {
      get: {
        summary: "Each partition's next offset",
        security: readers,
        parameters: [topicParameter],
        responses: {
          '200': {
            description: 'the position, also as a `since` query value',
            ...json({
              type: 'object',
              required: ['topic', 'position', 'since'],
              additionalProperties: false,
              properties: {
                topic: ref('Topic'),
                position: ref('Position'),
                since: { type: 'string' },
              },
            }),
          },
          '400': error('bad topic', ['invalid_topic', 'invalid_request']),
          ...AUTH,
          ...COMMON,
        },
      },
    },
    '/admin/instances': {
      get: {
        summary: 'Every producer and consumer alive now and its health (the instance registry)',
        security: admins,
        responses: {
          '200': {
            description: 'sorted by role, then name',
            ...json(
              closed({
                instances: { type: 'array', items: ref('Instance') },
                groupLagRecords: count,
              }),
            ),
          },
          '400': MALFORMED,
          ...ADMIN_AUTH,
          ...COMMON,
        },
      },
    },
    '/admin/topics': {
      get: {
        summary: 'Topics with their partitions, lag and owners, most lag first',
        security: admins,
        parameters: [
          { name: 'search', in: 'query', schema: { type: 'string', maxLength: 200 } },
          queryInteger('limit'),
          queryInteger('offset'),
        ],
        responses: {
          '200': {
            description: 'the page asked for and how many topics match',
            ...json(closed({ total: count, topics: { type: 'array', items: ref('TopicLag') } })),
          },
          '400': error('bad search, limit (1–200) or offset', ['invalid_request']),
          ...ADMIN_AUTH,
          ...COMMON,
        },
      },
    },
    '/admin/dead-letters': {
      get: {
        summary: 'The latest records of the dead-letter topic, newest first',
        security: admins,
        parameters: [queryInteger('limit')],
        responses: {
          '200': {
            description: 'empty while the topic does not exist',
            ...json(closed({ deadLetters: { type: 'array', items: ref('DeadLetter') } })),
          },
          '400': error('bad limit (1–100)', ['invalid_request']),
          ...ADMIN_AUTH,
          ...COMMON,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.1', ...json({ type: 'object' }) },
          '400': MALFORMED,
          ...COMMON,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      publisherKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'a publisher key (README › Access); absent when herald runs open',
      },
      subscriberToken: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'a subscriber token: reads what its `watch` claim grants',
      },
      adminToken: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'a subscriber token whose claims hold `admin: true`: the /admin routes, and publishing to any topic',
      },
    },
    schemas: {
      Topic: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        pattern: '^[A-Za-z0-9._-]+$',
      },
      Offset: { type: 'string', pattern: '^[0-9]+$' },
      Position: {
        type: 'object',
        additionalProperties: { $ref: '#/components/schemas/Offset' },
      },
      Error: {
        type: 'object',
        required: ['error'],
        additionalProperties: false,
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            additionalProperties: false,
            properties: {
              code: { enum: [...ERROR_CODES] },
              message: { type: 'string', minLength: 1 },
            },
          },
        },
      },
      NotifyRequest: {
        type: 'object',
        required: ['topic', 'message'],
        additionalProperties: false,
        properties: {
          topic: ref('Topic'),
          message: { description: 'any JSON value but null', not: { type: 'null' } },
          key: { type: 'string', minLength: 1, maxLength: 1024 },
        },
      },
      PublishReceipt: {
        type: 'object',
        required: RECEIPT_REQUIRED,
        additionalProperties: false,
        properties: RECEIPT_PROPERTIES,
      },
      BatchAnswer: {
        type: 'object',
        required: ['accepted', 'failed', 'results'],
        additionalProperties: false,
        properties: {
          accepted: { type: 'integer', minimum: 0 },
          failed: { type: 'integer', minimum: 0 },
          results: {
            type: 'array',
            items: {
              oneOf: [
                {
                  // A receipt with its status. Not allOf [PublishReceipt]: that one's
                  // additionalProperties: false would refuse `status` and so every stored item.
                  type: 'object',
                  required: ['status', ...RECEIPT_REQUIRED],
                  additionalProperties: false,
                  properties: { status: { const: 202 }, ...RECEIPT_PROPERTIES },
                },
                {
                  type: 'object',
                  required: ['status', 'error'],
                  additionalProperties: false,
                  properties: {
                    status: { type: 'integer', minimum: 400, maximum: 599 },
                    error: { $ref: '#/components/schemas/Error/properties/error' },
                  },
                },
              ],
            },
          },
        },
      },
      TopicInfo: {
        type: 'object',
        required: ['name', 'partitions'],
        additionalProperties: false,
        properties: { name: ref('Topic'), partitions: { type: 'integer', minimum: 1 } },
      },
      Instance: {
        oneOf: [
          closed({ ...INSTANCE_BASE, role: { const: 'producer' } }),
          closed({
            ...INSTANCE_BASE,
            role: { const: 'consumer' },
            connections: count,
            subscriptions: count,
            topics: count,
            partitions: count,
            lagRecords: count,
            paused: { enum: ['outbound', 'redis', null] },
            behind: { type: 'boolean' },
            deadLetters: count,
            slowConsumersCut: count,
          }),
        ],
      },
      TopicLag: closed({
        topic: ref('Topic'),
        partitions: count,
        lag: count,
        owners: { type: 'array', items: { type: 'string' } },
        detail: {
          type: 'array',
          items: closed({
            partition: count,
            end: ref('Offset'),
            committed: nullable(ref('Offset')),
            lag: count,
            owner: { type: ['string', 'null'] },
          }),
        },
      }),
      DeadLetter: closed({
        reason: { type: ['string', 'null'] },
        topic: { type: ['string', 'null'] },
        partition: { type: ['integer', 'null'] },
        offset: { type: ['string', 'null'] },
        deadLetterOffset: ref('Offset'),
        timestamp: { type: 'integer' },
        bytes: count,
        preview: { type: 'string' },
      }),
      Notification: {
        type: 'object',
        required: ['topic', 'partition', 'offset', 'timestamp', 'key', 'message', 'requestId'],
        properties: {
          topic: ref('Topic'),
          partition: { type: 'integer', minimum: 0 },
          offset: ref('Offset'),
          timestamp: { type: 'integer' },
          key: { type: ['string', 'null'] },
          message: {},
          requestId: {
            type: ['string', 'null'],
            description:
              'The X-Request-Id of the POST that published it; null when another Kafka client wrote it',
          },
        },
      },
      Messages: {
        type: 'object',
        required: ['topic', 'messages', 'next'],
        properties: {
          topic: ref('Topic'),
          messages: { type: 'array', items: ref('Notification') },
          next: ref('Position'),
          key: { type: 'string' },
          scanned: {
            type: ['object', 'null'],
            required: ['partition', 'from', 'to', 'limited'],
            properties: {
              partition: { type: 'integer' },
              from: ref('Offset'),
              to: ref('Offset'),
              limited: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
} as const
