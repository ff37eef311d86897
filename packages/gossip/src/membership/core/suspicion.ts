/**
 * Lifeguard's dynamic suspicion timeout. A suspicion starts at the maximum timeout and shrinks
 * toward the minimum as independent members confirm it: a member that many others also failed
 * to reach is probably down, while a suspicion raised by one (perhaps itself unhealthy) node
 * leaves the accused plenty of time to refute.
 */
import type { Clock, TimerHandle } from '@meshwork/core-mesh'

export interface SuspicionInit {
  clock: Clock
  /** The member whose suspect claim started this suspicion; it does not count as a confirmation. */
  from: string
  /** Confirmations expected to reach the minimum timeout; 0 means start at the minimum. */
  k: number
  minMs: number
  maxMs: number
  /** Called once when the timeout passes, with the number of confirmations received. */
  onTimeout: (confirmations: number) => void
}

/**
 * The timeout after `confirmations` of `k` expected: max − (max − min) · log(c + 1) / log(k + 1),
 * never below min.
 */
export function suspicionTimeoutMs (confirmations: number, k: number, minMs: number, maxMs: number): number {
  if (k < 1) return minMs
  const fraction = Math.log(confirmations + 1) / Math.log(k + 1)
  return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)))
}

export class Suspicion {
  private readonly clock: Clock
  private readonly k: number
  private readonly minMs: number
  private readonly maxMs: number
  private readonly onTimeout: (confirmations: number) => void
  private readonly startedAt: number
  /** Who has accused the member so far, the starter included; at most k + 1 entries. */
  private readonly accusers = new Set<string>()
  private timer: TimerHandle | undefined
  private done = false

  constructor (init: SuspicionInit) {
    this.clock = init.clock
    this.k = Math.max(0, init.k)
    this.minMs = init.minMs
    this.maxMs = init.maxMs
    this.onTimeout = init.onTimeout
    this.startedAt = init.clock.now()
    this.accusers.add(init.from)
    this.arm(this.timeoutMs())
  }

  /** Independent confirmations so far (accusers other than the first). */
  get confirmations (): number {
    return this.accusers.size - 1
  }

  /** The current total timeout, measured from the start of the suspicion. */
  timeoutMs (): number {
    return suspicionTimeoutMs(this.confirmations, this.k, this.minMs, this.maxMs)
  }

  /** When the suspicion will time out (clock time). */
  deadline (): number {
    return this.startedAt + this.timeoutMs()
  }

  /**
   * Count `from` as a confirmation. Returns true when it is new (and so worth re-gossiping);
   * the timer is then re-armed to the shorter timeout. Past k confirmations nothing changes.
   */
  confirm (from: string): boolean {
    if (this.done || this.confirmations >= this.k || this.accusers.has(from)) return false
    this.accusers.add(from)
    this.arm(this.deadline() - this.clock.now())
    return true
  }

  /** Stop the timer; `onTimeout` will not be called. */
  cancel (): void {
    this.done = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm (remainingMs: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    // Even when the new deadline has passed, fire from a timer, never from inside confirm():
    // the caller is in the middle of handling a message.
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      if (this.done) return
      this.done = true
      this.onTimeout(this.confirmations)
    }, Math.max(0, remainingMs))
  }
}
