import { describe, expect, it } from '@jest/globals'
import { TokenBucket } from '../../src/rate-limiter.js'
import { VirtualClock } from '../../src/testkit/index.js'

describe('TokenBucket.tryTake', () => {
  it('takes tokens only while the bucket holds them', () => {
    const clock = new VirtualClock()
    const bucket = new TokenBucket(10, 3, clock)
    expect([bucket.tryTake(1), bucket.tryTake(1), bucket.tryTake(1), bucket.tryTake(1)]).toEqual([true, true, true, false])
    clock.advance(100)
    expect(bucket.tryTake(2)).toBe(false)
    expect(bucket.tryTake(1)).toBe(true)
  })

  it('a refused spend costs nothing: the sender is back as soon as one token has accrued', () => {
    const clock = new VirtualClock()
    const bucket = new TokenBucket(10, 1, clock)
    expect(bucket.tryTake(1)).toBe(true)
    // A sender that keeps trying while refused must not dig itself deeper into debt.
    for (let i = 0; i < 50; i++) expect(bucket.tryTake(1)).toBe(false)
    clock.advance(100)
    expect(bucket.tryTake(1)).toBe(true)
  })

  it('never accrues past the burst', () => {
    const clock = new VirtualClock()
    const bucket = new TokenBucket(100, 2, clock)
    clock.advance(60_000)
    expect([bucket.tryTake(1), bucket.tryTake(1), bucket.tryTake(1)]).toEqual([true, true, false])
  })

  it('shares its balance with delayFor', () => {
    const clock = new VirtualClock()
    const bucket = new TokenBucket(10, 2, clock)
    expect(bucket.delayFor(3)).toBeCloseTo(100)
    expect(bucket.tryTake(1)).toBe(false)
    clock.advance(200)
    expect(bucket.tryTake(1)).toBe(true)
  })
})
