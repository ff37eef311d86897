import type { ResolvedReconnect } from './config.js'
import type { Clock, RandomSource, TimerHandle } from './interfaces/clock.js'
import type { PeerIdString } from './interfaces/peer.js'

/**
 * Re-dials known peers with exponential backoff and full jitter: the n-th attempt waits a
 * random time up to min(max, initial × multiplier^n). Success or `cancel` ends the schedule.
 */
export class Reconnector {
  private readonly attempts = new Map<PeerIdString, { attempt: number, timer: TimerHandle }>()
  private running = false

  constructor (
    private readonly dial: (peer: PeerIdString) => Promise<boolean>,
    private readonly config: ResolvedReconnect,
    private readonly clock: Clock,
    private readonly random: RandomSource
  ) {}

  start (): void {
    this.running = true
  }

  stop (): void {
    this.running = false
    for (const { timer } of this.attempts.values()) this.clock.clearTimeout(timer)
    this.attempts.clear()
  }

  /** Keep trying `peer` until it connects; does nothing if already scheduled. */
  schedule (peer: PeerIdString, immediately = false): void {
    if (!this.running || this.attempts.has(peer)) return
    this.arm(peer, 0, immediately ? 0 : this.delay(0))
  }

  cancel (peer: PeerIdString): void {
    const entry = this.attempts.get(peer)
    if (entry !== undefined) this.clock.clearTimeout(entry.timer)
    this.attempts.delete(peer)
  }

  isScheduled (peer: PeerIdString): boolean {
    return this.attempts.has(peer)
  }

  /** The upper bound of the wait before attempt `attempt` (0-based). */
  ceiling (attempt: number): number {
    return Math.min(this.config.maxDelayMs, this.config.initialDelayMs * this.config.multiplier ** attempt)
  }

  private delay (attempt: number): number {
    return this.random.next() * this.ceiling(attempt)
  }

  private arm (peer: PeerIdString, attempt: number, wait: number): void {
    const timer = this.clock.setTimeout(() => {
      void this.dial(peer).then(connected => connected, () => false).then(connected => {
        if (!this.running || this.attempts.get(peer)?.timer !== timer) return
        if (connected) {
          this.attempts.delete(peer)
        } else {
          this.arm(peer, attempt + 1, this.delay(attempt + 1))
        }
      })
    }, wait)
    this.attempts.set(peer, { attempt, timer })
  }
}
