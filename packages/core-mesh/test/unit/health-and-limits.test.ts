import { describe, expect, it } from '@jest/globals'
import { assessHealth } from '../../src/health.js'
import type { PeerRecord, PeerStatus } from '../../src/interfaces/peer.js'
import { PeerRegistry } from '../../src/peer-registry.js'
import { TokenBucket } from '../../src/rate-limiter.js'
import { Reconnector } from '../../src/reconnector.js'
import { SeededRandom, VirtualClock } from '../../src/testkit/index.js'

function peers (...statuses: PeerStatus[]): PeerRecord[] {
  const registry = new PeerRegistry(new SeededRandom(1))
  statuses.forEach((status, i) => { registry.upsert(`peer${i}`); registry.setStatus(`peer${i}`, status) })
  return registry.list()
}

describe('health', () => {
  it('counts this node as a member: one lost peer of two is DEGRADED, two of two CRITICAL', () => {
    expect(assessHealth(peers()).status).toBe('HEALTHY')
    expect(assessHealth(peers('connected', 'connected')).status).toBe('HEALTHY')
    expect(assessHealth(peers('connected', 'unreachable'))).toEqual({ status: 'DEGRADED', members: 3, unreachable: 1 })
    expect(assessHealth(peers('unreachable', 'unreachable')).status).toBe('CRITICAL')
    expect(assessHealth(peers('unreachable')).status).toBe('CRITICAL')
    expect(assessHealth(peers('connected', 'left', 'known')).status).toBe('HEALTHY')
  })
})

describe('peer registry', () => {
  it('samples k distinct peers uniformly and honours the filter', () => {
    const registry = new PeerRegistry(new SeededRandom(7))
    for (let i = 0; i < 10; i++) registry.upsert(`p${i}`)
    const hits = new Map<string, number>()
    for (let round = 0; round < 2000; round++) {
      const sample = registry.sample(3)
      expect(new Set(sample.map(p => p.id)).size).toBe(3)
      for (const p of sample) hits.set(p.id, (hits.get(p.id) ?? 0) + 1)
    }
    for (const count of hits.values()) expect(Math.abs(count - 600)).toBeLessThan(120)
    expect(registry.sample(5, p => p.id === 'p3').map(p => p.id)).toEqual(['p3'])
    expect(registry.sample(50)).toHaveLength(10)
  })

  it('smooths RTT with an EWMA and counts traffic', () => {
    const registry = new PeerRegistry(new SeededRandom(1))
    registry.upsert('p')
    expect(registry.recordRtt('p', 10)).toBe(10)
    expect(registry.recordRtt('p', 20)).toBeCloseTo(12)
    registry.recordIn('p', 100)
    registry.recordOut('p', 40)
    expect(registry.get('p')?.traffic).toEqual({ messagesIn: 1, messagesOut: 1, bytesIn: 100, bytesOut: 40 })
  })
})

describe('token bucket', () => {
  it('allows a burst, then asks the reader to wait in proportion to the overspend', () => {
    const clock = new VirtualClock()
    const bucket = new TokenBucket(100, 10, clock)
    for (let i = 0; i < 10; i++) expect(bucket.delayFor(1)).toBe(0)
    expect(bucket.delayFor(1)).toBeCloseTo(10)
    clock.advance(1000)
    expect(bucket.delayFor(5)).toBe(0)
  })
})

describe('reconnector', () => {
  it('backs off exponentially with jitter until the dial succeeds', async () => {
    const clock = new VirtualClock()
    const dialTimes: number[] = []
    let failures = 4
    const reconnector = new Reconnector(async () => { dialTimes.push(clock.now()); return failures-- <= 0 },
      { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 }, clock, new SeededRandom(3))
    reconnector.start()
    reconnector.schedule('p', true)
    for (let i = 0; i < 50 && reconnector.isScheduled('p'); i++) {
      clock.advance(1000)
      await new Promise(resolve => setImmediate(resolve))
    }
    expect(reconnector.isScheduled('p')).toBe(false)
    expect(dialTimes).toHaveLength(5)
    expect(dialTimes[0]).toBe(0)
    expect([0, 1, 2, 3, 4].map(n => reconnector.ceiling(n))).toEqual([100, 200, 400, 800, 1000])
    reconnector.stop()
  })
})

describe('peer metadata', () => {
  it('keeps tags (de-duplicated) and region, and persists them', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-registry-'))
    const registry = new PeerRegistry(new SeededRandom(1))
    registry.setMetadata('p', { tags: ['relay', 'relay', 'gpu'], region: 'eu-west' })
    await registry.save(dir)
    const loaded = new PeerRegistry(new SeededRandom(1))
    await loaded.load(dir)
    expect(loaded.get('p')).toMatchObject({ tags: ['relay', 'gpu'], region: 'eu-west', status: 'known' })
    await rm(dir, { recursive: true, force: true })
  })
})
