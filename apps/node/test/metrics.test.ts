import { describe, expect, it } from '@jest/globals'
import { createPromMetrics } from '../src/metrics.js'

describe('createPromMetrics', () => {
  it('returns the same metric for the same name', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false })
    const first = metrics.counter('meshwork_messages_total', 'messages', ['peer'])
    const second = metrics.counter('meshwork_messages_total', 'messages', ['peer'])
    expect(second).toBe(first)
    first.inc({ peer: 'a' })
    second.inc({ peer: 'a' }, 2)
    expect(await metrics.render()).toContain('meshwork_messages_total{peer="a"} 3')
  })

  it('adapts gauges and histograms', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false })
    metrics.gauge('meshwork_peers', 'connected peers').set(7)
    const rtt = metrics.histogram('meshwork_rtt_ms', 'round trips', ['peer'], [1, 10])
    rtt.observe(5, { peer: 'a' })
    rtt.observe(50, { peer: 'a' })
    const text = await metrics.render()
    expect(text).toContain('meshwork_peers 7')
    expect(text).toContain('meshwork_rtt_ms_bucket{le="1",peer="a"} 0')
    expect(text).toContain('meshwork_rtt_ms_bucket{le="10",peer="a"} 1')
    expect(text).toContain('meshwork_rtt_ms_count{peer="a"} 2')
  })

  it('refuses the same name with another type or other labels', () => {
    const metrics = createPromMetrics({ defaultMetrics: false })
    metrics.counter('meshwork_x', 'x', ['a'])
    expect(() => metrics.gauge('meshwork_x', 'x', ['a'])).toThrow(expect.objectContaining({ name: 'MetricConflictError' }))
    expect(() => metrics.counter('meshwork_x', 'x', ['b'])).toThrow(expect.objectContaining({ name: 'MetricConflictError' }))
  })

  it('includes the process metrics by default, and not otherwise', async () => {
    expect(await createPromMetrics().render()).toContain('nodejs_eventloop_lag_seconds')
    expect(await createPromMetrics({ defaultMetrics: false }).render()).not.toContain('nodejs_eventloop_lag_seconds')
  })

  it('refuses a name a process metric already has', () => {
    expect(() => createPromMetrics().gauge('process_resident_memory_bytes', 'x')).toThrow(expect.objectContaining({ name: 'MetricConflictError' }))
  })
})
