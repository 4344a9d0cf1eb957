import { describe, expect, it } from 'vitest'

import { notification } from '../../test-support/fakes'
import { createPositionTracker, type Positions } from '../position-tracker'

const watchAll = () => true

/** A tracker whose first subscription to `entries` was acknowledged with `positions`. */
function acked(positions: Positions, entries = Object.keys(positions)) {
  const tracker = createPositionTracker()
  tracker.settle(tracker.begin(entries, undefined), positions, watchAll)
  return tracker
}

const on = (partition: number, offset: string, topic = 'orders') =>
  notification({ timestamp: 1, topic, partition, offset })

describe('position tracker', () => {
  it('starts from the ack and moves past each notification, comparing offsets as numbers', () => {
    const tracker = acked({ orders: { '0': '9', '1': '0' } })
    expect(tracker.arrive(on(0, '9'))).toBe(true)
    tracker.arrive(on(0, '10'))
    tracker.arrive(on(1, '0'))

    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '11', '1': '1' } })
  })

  it('never moves back for a redelivered record', () => {
    const tracker = acked({ orders: { '0': '20' } })
    tracker.arrive(on(0, '25'))
    tracker.arrive(on(0, '21'))

    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '26' } })
  })

  it('keeps 64-bit offsets exact', () => {
    const tracker = acked({ orders: { '0': '9007199254740992' } })
    tracker.arrive(on(0, '9007199254740992'))

    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '9007199254740993' } })
  })

  it('gives positions only for topics an ack positioned, and copies them', () => {
    const tracker = acked({ orders: { '0': '3' } })
    tracker.arrive(on(0, '7', 'alerts'))
    const positions = tracker.positionsFor(['orders', 'alerts'])
    ;(positions.orders as Record<string, string>)['0'] = '999'

    expect(positions).toEqual({ orders: { '0': '999' } })
    expect(tracker.positionsFor(['orders', 'alerts'])).toEqual({ orders: { '0': '3' } })
    expect(tracker.positionsFor(['alerts'])).toEqual({})
  })

  it('gives a pattern the positions of every topic it matches', () => {
    const tracker = acked({ 'orders.eu': { '0': '1' }, 'orders.us': { '0': '2' }, other: {} }, [
      'orders.*',
      'other',
    ])

    expect(tracker.positionsFor(['orders.*'])).toEqual({
      'orders.eu': { '0': '1' },
      'orders.us': { '0': '2' },
    })
    expect(tracker.positionsFor(['*'])).toHaveProperty('other', {})
  })

  it("keeps a keyed stream's position as its topic's, moved by its own key's records", () => {
    const tracker = acked({ orders: { '0': '4', '1': '7' } }, ['orders#u1'])
    tracker.arrive({ ...on(1, '9'), key: 'u1' })

    expect(tracker.positionsFor(['orders#u1'])).toEqual({ orders: { '0': '4', '1': '10' } })
    expect(tracker.positionsFor(['orders#u2'])).toEqual({ orders: { '0': '4', '1': '10' } })
    expect(tracker.positionsFor(['alerts#u1'])).toEqual({})
  })

  it('positions a topic that did not exist at the ack from what arrives, partition by partition', () => {
    const tracker = acked({}, ['orders'])
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: {} })

    tracker.arrive(on(2, '0'))
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '2': '1' } })
  })

  it('counts what arrives during a subscription only once its ack confirms the catch-up', () => {
    const tracker = acked({ orders: { '0': '5' } })
    const again = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    tracker.arrive(on(0, '5'))
    tracker.arrive(on(0, '6'))
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '5' } })

    tracker.settle(again, { orders: { '0': '7' } }, watchAll)
    tracker.arrive(on(0, '7'))
    tracker.arrive(on(0, '8'))
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '9' } })
  })

  it('takes the later of the ack and what arrived before it', () => {
    const tracker = createPositionTracker()
    const first = tracker.begin(['orders'], undefined)
    // Live records the server held during the catch-up come just before the ack.
    tracker.arrive(on(0, '12'))
    tracker.settle(first, { orders: { '0': '12', '1': '4' } }, watchAll)

    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '13', '1': '4' } })
  })

  it('leaves the positions where they were when a subscription fails or its connection drops', () => {
    const tracker = acked({ orders: { '0': '5' } })
    const refused = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    tracker.arrive(on(0, '40'))
    expect(tracker.abandon(refused)).toEqual([])
    expect(tracker.isPending(refused)).toBe(false)

    const cut = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    tracker.arrive(on(0, '41'))
    tracker.abandonAll()
    expect(tracker.isPending(cut)).toBe(false)
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '5' } })
  })

  it('ignores the ack of a subscription no longer pending', () => {
    const tracker = createPositionTracker()
    const lost = tracker.begin(['orders'], undefined)
    tracker.abandonAll()

    expect(tracker.settle(lost, { orders: { '0': '3' } }, watchAll)).toEqual({
      resets: [],
      released: [],
    })
    expect(tracker.positionsFor(['orders'])).toEqual({})
  })

  it('holds back what arrives below the sent position until the ack', () => {
    const tracker = acked({ orders: { '0': '10' } })
    const again = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    const redelivered = on(0, '9')

    expect(tracker.arrive(redelivered)).toBe(false)
    expect(tracker.arrive(on(0, '10'))).toBe(true)
    expect(tracker.settle(again, { orders: { '0': '11' } }, watchAll)).toEqual({
      resets: [],
      released: [redelivered],
    })
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '11' } })
  })

  it('releases what it held back when the subscription is abandoned', () => {
    const tracker = acked({ orders: { '0': '10' } })
    tracker.begin(['orders'], tracker.positionsFor(['orders']))
    const held = on(0, '3')
    tracker.arrive(held)

    expect(tracker.abandonAll()).toEqual([held])
  })

  it('finds a partition reset when the sent position is past its end, and starts again from the ack', () => {
    const tracker = acked({ orders: { '0': '500', '1': '7' } })
    const again = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    // The re-created topic's live records come before the ack, at offsets the old one had.
    const fresh = [on(0, '10'), on(0, '11')]
    expect(fresh.map((n) => tracker.arrive(n))).toEqual([false, false])

    const { resets, released } = tracker.settle(
      again,
      { orders: { '0': '10', '1': '7' } },
      watchAll,
    )
    expect(resets).toEqual([{ topic: 'orders', partition: 0, below: 500n }])
    expect(released).toEqual(fresh)
    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '12', '1': '7' } })
  })

  it('drops partitions the ack no longer lists', () => {
    const tracker = acked({ orders: { '0': '4', '1': '4' } })
    const again = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    tracker.settle(again, { orders: { '0': '4' } }, watchAll)

    expect(tracker.positionsFor(['orders'])).toEqual({ orders: { '0': '4' } })
  })

  it("finds a gap where an offset skips past its partition's position", () => {
    const tracker = acked({ orders: { '0': '5', '1': '2' } })

    expect(tracker.gapAt(on(0, '5'))).toBe(false)
    expect(tracker.gapAt(on(0, '7'))).toBe(true)
    expect(tracker.gapAt(on(0, '4'))).toBe(false)
    expect(tracker.gapAt(on(1, '3'))).toBe(true)
  })

  it('finds no gap in a partition or topic it has no position for yet', () => {
    const tracker = acked({ orders: {} })

    expect(tracker.gapAt(on(3, '40'))).toBe(false)
    expect(tracker.gapAt(on(0, '40', 'alerts'))).toBe(false)
  })

  it('finds no gap while a subscription of the topic awaits its ack, which positions it', () => {
    const tracker = acked({ orders: { '0': '5' } })
    const again = tracker.begin(['orders'], tracker.positionsFor(['orders']))
    expect(tracker.gapAt(on(0, '9'))).toBe(false)

    tracker.settle(again, { orders: { '0': '9' } }, watchAll)
    expect(tracker.gapAt(on(0, '9'))).toBe(false)
    expect(tracker.gapAt(on(0, '10'))).toBe(true)
  })

  it('keeps no position for a topic no longer watched', () => {
    const tracker = acked({ orders: { '0': '4' }, alerts: { '0': '1' } })
    tracker.forget('orders')
    expect(tracker.positionsFor(['orders', 'alerts'])).toEqual({ alerts: { '0': '1' } })

    const request = tracker.begin(['orders'], undefined)
    tracker.settle(request, { orders: { '0': '4' } }, (topic) => topic !== 'orders')
    expect(tracker.positionsFor(['orders'])).toEqual({})
  })
})
