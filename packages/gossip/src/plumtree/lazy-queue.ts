import type { Clock, TimerHandle } from '@meshwork/core-mesh'
import type { Announcement } from './messages.js'

/** A message id waiting to be announced to lazy peers. */
export interface PendingAnnouncement extends Announcement {
  origin: string
  /** The neighbour the message came from (it needs no announcement); undefined at the origin. */
  parent: string | undefined
}

export interface LazyQueueInit {
  clock: Clock
  intervalMs: number
  /** Rounds each id is announced in. */
  rounds: number
  /**
   * Called once per round with every id due in it (never empty). The owner picks this round's
   * lazy targets and sends the IHAVEs. Must not throw.
   */
  announce: (due: readonly PendingAnnouncement[]) => void
}

/**
 * The lazy push queue: ids of received messages are announced in batches, one batch every
 * `intervalMs`, each id in `rounds` consecutive rounds. Batching turns one IHAVE per message
 * into one per interval; repeating over rounds (to a new random sample of lazy peers each time)
 * makes it unlikely that a node cut off from the tree hears of a message from nobody.
 *
 * The timer runs only while ids are queued, so an idle node schedules nothing.
 */
export class LazyQueue {
  private queue: Array<{ announcement: PendingAnnouncement, remaining: number }> = []
  private timer: TimerHandle | undefined

  constructor (private readonly init: LazyQueueInit) {}

  add (announcement: PendingAnnouncement): void {
    this.queue.push({ announcement, remaining: this.init.rounds })
    if (this.timer === undefined) this.timer = this.init.clock.setTimeout(() => { this.round() }, this.init.intervalMs)
  }

  get pending (): number {
    return this.queue.length
  }

  stop (): void {
    if (this.timer !== undefined) this.init.clock.clearTimeout(this.timer)
    this.timer = undefined
    this.queue = []
  }

  private round (): void {
    this.timer = undefined
    const due = this.queue.map(entry => entry.announcement)
    for (const entry of this.queue) entry.remaining--
    this.queue = this.queue.filter(entry => entry.remaining > 0)
    if (this.queue.length > 0) this.timer = this.init.clock.setTimeout(() => { this.round() }, this.init.intervalMs)
    if (due.length > 0) this.init.announce(due)
  }
}
