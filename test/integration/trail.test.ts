// A notification's trail on the real stack: nginx's $request_id is the X-Request-Id of the 202,
// the `requestId` of the notification every subscriber gets and of the history, and the id on
// the producer's line for the request and the consumer's line for the broadcast (LOG_LEVEL=debug).

import type { Notification } from '@herald/shared'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { getJson, postNotify } from '../support/http.js'
import { connectSubscriber, subscribe, waitForMessages } from '../support/sockets.js'
import { useTestStack } from '../support/stack.js'
import { uniqueTopic } from '../support/topics.js'
import { waitUntil } from '../support/wait.js'

const stack = useTestStack({ producers: 2, consumers: 2, serviceEnv: { LOG_LEVEL: 'debug' } })

/** nginx's $request_id. */
const NGINX_REQUEST_ID = /^[0-9a-f]{32}$/

/** The JSON lines of every instance of `kind` that carry `requestId`. */
function loggedLines(kind: 'producer' | 'consumer', requestId: string): Record<string, unknown>[] {
  return stack()
    .instances.filter((instance) => instance.kind === kind)
    .flatMap((instance) =>
      readFileSync(join(stack().dataDir, 'logs', `${instance.name}.log`), 'utf8').split('\n'),
    )
    .filter((line) => line.includes(requestId))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe("a notification's trail", () => {
  it('carries one id from nginx through the producer, Kafka and the consumer to the page', async () => {
    const topic = uniqueTopic('trail')
    const socket = await connectSubscriber(stack().url)
    expect(await subscribe(socket, { topics: [topic] })).toMatchObject({ ok: true })

    // A caller's own id does not cross the entry point: nginx's is the one.
    const answer = await postNotify(
      stack().url,
      { topic, message: 'follow me' },
      { headers: { 'x-request-id': 'chosen-by-the-caller' } },
    )
    expect(answer.status).toBe(202)
    const requestId = answer.headers.get('x-request-id') ?? ''
    expect(requestId).toMatch(NGINX_REQUEST_ID)

    const [received] = await waitForMessages(socket, topic, 1)
    expect(received?.requestId).toBe(requestId)
    const history = await getJson<{ messages: Notification[] }>(
      `${stack().url}/topics/${topic}/messages`,
    )
    expect(history.body.messages.map((n) => n.requestId)).toEqual([requestId])

    const [request] = await waitUntil(
      () => {
        const lines = loggedLines('producer', requestId)
        return lines.length > 0 ? lines : undefined
      },
      { what: "the producer's line for the request" },
    )
    expect(request).toMatchObject({ msg: 'request', method: 'POST', path: '/notify', status: 202 })
    expect(request?.published).toMatchObject({ topic, offset: received?.offset })
    const [broadcast] = await waitUntil(
      () => {
        const lines = loggedLines('consumer', requestId)
        return lines.length > 0 ? lines : undefined
      },
      { what: "the consumer's line for the broadcast" },
    )
    expect(broadcast).toMatchObject({ msg: 'broadcast', topic, offset: received?.offset })
  })

  it("gives every item of a batch the batch's id", async () => {
    const topic = uniqueTopic('trail-batch')
    const socket = await connectSubscriber(stack().url)
    await subscribe(socket, { topics: [topic] })
    const response = await fetch(`${stack().url}/notify/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { topic, message: 1 },
        { topic, message: 2 },
      ]),
    })
    expect(response.status).toBe(200)
    const requestId = response.headers.get('x-request-id') ?? ''
    expect(requestId).toMatch(NGINX_REQUEST_ID)
    const received = await waitForMessages(socket, topic, 2)
    expect(received.map((n) => n.requestId)).toEqual([requestId, requestId])
  })
})
