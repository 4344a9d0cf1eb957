import { describe, expect, it } from 'vitest'

import { TopicCreationQueue, type CreationOutcome } from '../../src/kafka/topic-creation-queue.js'

/** A creation function that records each request and answers from `answer`. */
function recordingCreate(answer: (topic: string) => CreationOutcome = () => created) {
  const requests: string[][] = []
  let inFlight = 0
  let mostInFlight = 0
  const create = async (topics: readonly string[]) => {
    requests.push([...topics])
    inFlight += 1
    mostInFlight = Math.max(mostInFlight, inFlight)
    await new Promise((resolve) => setImmediate(resolve))
    inFlight -= 1
    return new Map(topics.map((topic) => [topic, answer(topic)]))
  }
  return { create, requests, mostInFlight: () => mostInFlight }
}

const created: CreationOutcome = { ok: true, created: true }

describe('TopicCreationQueue', () => {
  it('sends the topics asked for in one tick in one request', async () => {
    const { create, requests } = recordingCreate()
    const queue = new TopicCreationQueue({ create })
    await Promise.all(['a', 'b', 'c'].map((topic) => queue.ensure(topic)))
    expect(requests).toEqual([['a', 'b', 'c']])
  })

  it('asks once for a topic wanted by several callers, and answers them all', async () => {
    const { create, requests } = recordingCreate()
    const queue = new TopicCreationQueue({ create })
    expect(await Promise.all([queue.ensure('a'), queue.ensure('a')])).toEqual([true, true])
    expect(requests).toEqual([['a']])
  })

  it('splits a burst into bounded requests sent one after another, in the order asked', async () => {
    const { create, requests, mostInFlight } = recordingCreate()
    const queue = new TopicCreationQueue({ create, maxTopicsPerRequest: 2 })
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((topic) => queue.ensure(topic)))
    expect(requests).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    expect(mostInFlight()).toBe(1)
  })

  it('gathers topics asked for while a request is out into the next one', async () => {
    const { create, requests } = recordingCreate()
    const queue = new TopicCreationQueue({ create })
    const first = queue.ensure('a')
    await new Promise((resolve) => setTimeout(resolve, 0))
    await Promise.all([first, queue.ensure('b'), queue.ensure('c')])
    expect(requests).toEqual([['a'], ['b', 'c']])
  })

  it('rejects only the topics the request refused', async () => {
    const refusal = new Error('refused')
    const { create } = recordingCreate((topic) =>
      topic === 'bad' ? { ok: false, error: refusal } : created,
    )
    const queue = new TopicCreationQueue({ create })
    const [good, bad] = await Promise.allSettled([queue.ensure('good'), queue.ensure('bad')])
    expect(good).toEqual({ status: 'fulfilled', value: true })
    expect(bad).toEqual({ status: 'rejected', reason: refusal })
  })

  it('rejects every topic of a request that failed as a whole, and goes on with the next', async () => {
    let calls = 0
    const queue = new TopicCreationQueue({
      maxTopicsPerRequest: 1,
      create: (topics) => {
        calls += 1
        if (calls === 1) return Promise.reject(new Error('broker gone'))
        return Promise.resolve(new Map(topics.map((topic) => [topic, created])))
      },
    })
    const [first, second] = await Promise.allSettled([queue.ensure('a'), queue.ensure('b')])
    expect(first).toMatchObject({ status: 'rejected', reason: { message: 'broker gone' } })
    expect(second).toEqual({ status: 'fulfilled', value: true })
  })
})
