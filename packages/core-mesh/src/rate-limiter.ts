import type { Clock } from './interfaces/clock.js'

/**
 * A token bucket: `ratePerSecond` tokens accrue up to `burst`. `delayFor(cost)` takes the
 * tokens and answers how long the caller must wait before the spend is within budget
 * (0 when it already is), so a reader can pause instead of dropping.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor (private readonly ratePerSecond: number, private readonly burst: number, private readonly clock: Clock) {
    this.tokens = burst
    this.updatedAt = clock.now()
  }

  delayFor (cost: number): number {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.ratePerSecond / 1000)
    this.updatedAt = now
    this.tokens -= cost
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000
  }
}

/** Per-peer budgets on inbound messages and bytes, shared by all of a peer's channels. */
export class PeerRateLimiter {
  private readonly buckets = new Map<string, { messages: TokenBucket, bytes: TokenBucket }>()

  constructor (
    private readonly limits: { messagesPerSecond: number, bytesPerSecond: number, burstSeconds: number },
    private readonly clock: Clock
  ) {}

  /** Milliseconds the reader should wait before accepting this frame from `peer`. */
  delayFor (peer: string, bytes: number): number {
    let bucket = this.buckets.get(peer)
    if (bucket === undefined) {
      const { messagesPerSecond, bytesPerSecond, burstSeconds } = this.limits
      bucket = {
        messages: new TokenBucket(messagesPerSecond, messagesPerSecond * burstSeconds, this.clock),
        bytes: new TokenBucket(bytesPerSecond, bytesPerSecond * burstSeconds, this.clock)
      }
      this.buckets.set(peer, bucket)
    }
    return Math.max(bucket.messages.delayFor(1), bucket.bytes.delayFor(bytes))
  }

  forget (peer: string): void {
    this.buckets.delete(peer)
  }
}
