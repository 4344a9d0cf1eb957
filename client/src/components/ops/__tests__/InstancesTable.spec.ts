import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { InstancesReport } from '../../../lib/admin-client'
import type { ApiResult } from '../../../lib/api-answer'
import { fakeAdmin } from '../../../test-support/fakes'
import InstancesTable from '../InstancesTable.vue'

const now = Date.now()
const report: InstancesReport = {
  groupLagRecords: 1234,
  instances: [
    {
      name: 'consumer-1',
      role: 'consumer',
      ready: true,
      startedAt: now - 3_600_000,
      seenAt: now,
      rssBytes: 100 * 1024 ** 2,
      heapUsedBytes: 40 * 1024 ** 2,
      connections: 10_000,
      subscriptions: 12_000,
      topics: 1000,
      partitions: 1000,
      lagRecords: 1500,
      paused: 'outbound',
      behind: true,
      deadLetters: 2,
      slowConsumersCut: 1,
    },
    {
      name: 'producer-1',
      role: 'producer',
      ready: true,
      startedAt: now,
      seenAt: now,
      rssBytes: 1024,
      heapUsedBytes: 512,
    },
  ],
}

describe('InstancesTable', () => {
  it('shows each instance with its health, its counts and the group lag', async () => {
    const admin = fakeAdmin({ instances: () => Promise.resolve({ ok: true, value: report }) })
    const table = mount(InstancesTable, { props: { admin } })
    await flushPromises()

    const rows = table.findAll('[data-testid="instance-row"]')
    expect(rows.map((row) => row.attributes('data-name'))).toEqual(['consumer-1', 'producer-1'])
    expect(rows[0]?.attributes('data-health')).toBe('paused (outbound)')
    expect(rows[0]?.text()).toContain('10,000')
    expect(rows[0]?.text()).toContain('100 MiB (40 MiB)')
    expect(rows[1]?.attributes('data-health')).toBe('ready')
    expect(table.get('[data-testid="group-lag"]').text()).toContain('1,234')
    table.unmount()
  })

  it("shows the API's refusal in its own words", async () => {
    const refused: ApiResult<InstancesReport> = {
      ok: false,
      error: { code: 'forbidden', message: 'the token is not an admin token' },
    }
    const table = mount(InstancesTable, {
      props: { admin: fakeAdmin({ instances: () => Promise.resolve(refused) }) },
    })
    await flushPromises()

    expect(table.get('[data-testid="api-error"]').text()).toContain(
      'the token is not an admin token',
    )
    expect(table.findAll('[data-testid="instance-row"]')).toHaveLength(0)
    table.unmount()
  })
})
