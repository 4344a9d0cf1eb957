import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { TopicsPage, TopicsQuery } from '../../../lib/admin-client'
import { fakeAdmin } from '../../../test-support/fakes'
import TopicsTable from '../TopicsTable.vue'

function topicsOf(total: number) {
  return ({ offset, limit }: TopicsQuery) =>
    Promise.resolve({
      ok: true as const,
      value: {
        total,
        topics: Array.from({ length: Math.min(limit, total - offset) }, (_, i) => ({
          topic: `t${offset + i}`,
          partitions: 2,
          lag: total - offset - i,
          owners: ['consumer-1'],
          detail: [
            { partition: 0, end: '10', committed: '4', lag: 6, owner: 'consumer-1' },
            { partition: 1, end: '3', committed: null, lag: 3, owner: null },
          ],
        })),
      } satisfies TopicsPage,
    })
}

describe('TopicsTable', () => {
  it('asks for one page at a time and pages on with the offset', async () => {
    const admin = fakeAdmin({ topics: topicsOf(1000) })
    const table = mount(TopicsTable, { props: { admin, pageSize: 50 } })
    await flushPromises()

    expect(admin.topics).toHaveBeenLastCalledWith({ search: '', limit: 50, offset: 0 })
    expect(table.findAll('[data-testid="topic-row"]')).toHaveLength(50)
    expect(table.get('[data-testid="topics-range"]').text()).toBe('1–50 of 1,000')

    await table.get('[data-testid="topics-next"]').trigger('click')
    await flushPromises()
    expect(admin.topics).toHaveBeenLastCalledWith({ search: '', limit: 50, offset: 50 })
    expect(table.get('[data-testid="topic-row"]').attributes('data-topic')).toBe('t50')
    table.unmount()
  })

  it('sends the search once typing pauses, from the first page', async () => {
    const admin = fakeAdmin({ topics: topicsOf(3) })
    const table = mount(TopicsTable, { props: { admin, debounceMs: 20 } })
    await flushPromises()
    const input = table.get('[data-testid="topics-search"]')
    await input.setValue('ord')
    await input.setValue('orders')
    await new Promise((resolve) => setTimeout(resolve, 60))
    await flushPromises()

    const searches = admin.topics.mock.calls.map(([query]) => query.search)
    expect(searches).toEqual(['', 'orders'])
    table.unmount()
  })

  it('opens a topic to its partitions: end, committed, lag and owner', async () => {
    const table = mount(TopicsTable, { props: { admin: fakeAdmin({ topics: topicsOf(1) }) } })
    await flushPromises()
    expect(table.find('[data-testid="partition-table"]').exists()).toBe(false)

    await table.get('[data-testid="topic-toggle"]').trigger('click')
    const partitions = table.findAll('[data-testid="partition-row"]')
    const cells = partitions.map((row) => row.findAll('td').map((cell) => cell.text()))
    expect(cells).toEqual([
      ['0', '10', '4', '6', 'consumer-1'],
      ['1', '3', '—', '3', 'nobody'],
    ])
    table.unmount()
  })
})
