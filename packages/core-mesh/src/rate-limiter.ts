import type { Clock } from './interfaces/clock.js'

/**
 * A token bucket: `ratePerSecond` tokens accrue up to `burst`. Two ways to spend:
 * - `delayFor(cost)` always takes the tokens (the balance may go negative) and answers how long
 *   the caller must wait before the spend is within budget (0 when it already is), so a reader
 *   can pause instead of dropping.
 * - `tryTake(cost)` takes them only when they are there, for callers that refuse instead of
 *   waiting: a refused spend costs nothing, so a refused sender is not locked out for longer.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor (private readonly ratePerSecond: number, private readonly burst: number, private readonly clock: Clock) {
    this.tokens = burst
    this.updatedAt = clock.now()
  }

  delayFor (cost: number): number {
    this.refill()
    this.tokens -= cost
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000
  }

  /** Take `cost` tokens if the bucket holds that many; otherwise take nothing. */
  tryTake (cost: number): boolean {
    this.refill()
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  private refill (): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.ratePerSecond / 1000)
    this.updatedAt = now
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
