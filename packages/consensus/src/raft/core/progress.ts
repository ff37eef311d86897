import { Inflights } from './inflights.js'
import type { SnapshotSender } from './snapshot-transfer.js'
import type { ProgressStatus } from './types.js'

/**
 * How the leader replicates to one follower:
 * - `probe`: the leader does not know where the logs agree; it sends one append at a time and
 *   waits for the answer (or a heartbeat response) before the next;
 * - `replicate`: the logs agree up to `match`; appends are pipelined up to the inflight limit;
 * - `snapshot`: the follower needs compacted entries and is receiving a snapshot.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot'

/** The leader's view of one member's log (etcd-io/raft's `tracker.Progress`). */
export class Progress {
  /** The highest index known to match the leader's log. */
  match = 0
  /** The next index to send. Invariant: match < next. */
  next: number
  state: ProgressState = 'probe'
  /** In probe state: an append is out and the leader waits before sending another. */
  paused = false
  /** The index of the snapshot being sent, in snapshot state. */
  pendingSnapshot = 0
  /** Whether the member was heard from since the last check-quorum round. */
  recentActive = false
  /** The leader's tick count when the member was last heard from. */
  lastHeardAt = -Infinity
  isLearner: boolean
  readonly inflights: Inflights
  /** The chunked transfer under way, in snapshot state. */
  snapshotSender: SnapshotSender | undefined = undefined

  constructor (next: number, maxInflight: number, isLearner: boolean) {
    this.next = next
    this.inflights = new Inflights(maxInflight)
    this.isLearner = isLearner
  }

  /** Back to probing from match + 1 (or past the snapshot just installed). */
  becomeProbe (): void {
    const wasSnapshot = this.state === 'snapshot'
    const pending = this.pendingSnapshot
    this.resetState('probe')
    this.next = wasSnapshot ? Math.max(this.match + 1, pending + 1) : this.match + 1
  }

  becomeReplicate (): void {
    this.resetState('replicate')
    this.next = this.match + 1
  }

  becomeSnapshot (snapshotIndex: number, sender: SnapshotSender): void {
    this.resetState('snapshot')
    this.pendingSnapshot = snapshotIndex
    this.next = snapshotIndex + 1
    this.snapshotSender = sender
  }

  /** Account for an append carrying `entries` entries, the last at `lastIndex`, just sent. */
  sentEntries (entries: number, lastIndex: number): void {
    if (this.state === 'replicate') {
      if (entries > 0) {
        this.next = lastIndex + 1
        this.inflights.add(lastIndex)
      }
    } else if (entries > 0) {
      this.paused = true
    }
  }

  /**
   * An acknowledgement up to `index` arrived. Returns false when it is stale (nothing new).
   */
  maybeUpdate (index: number): boolean {
    if (index <= this.match) return false
    this.match = index
    this.next = Math.max(this.next, index + 1)
    this.paused = false
    return true
  }

  /**
   * A rejection of the append at `rejected` arrived, with the follower's hint that the logs may
   * agree at `matchHint`. Returns false when the rejection is stale.
   */
  maybeDecrTo (rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false
      this.next = this.match + 1
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1)
    this.paused = false
    return true
  }

  /** Whether the leader must hold back appends to this member for now. */
  isPaused (): boolean {
    if (this.state === 'probe') return this.paused
    if (this.state === 'replicate') return this.inflights.full()
    return true
  }

  /** Forget everything about the member's log, as at the start of a term. */
  reset (next: number): void {
    this.resetState('probe')
    this.match = 0
    this.next = next
    this.recentActive = false
    this.lastHeardAt = -Infinity
  }

  /** The member answered the leader at tick `now`. */
  heardAt (now: number): void {
    this.recentActive = true
    this.lastHeardAt = now
  }

  status (): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      recentActive: this.recentActive,
      inflight: this.inflights.count,
      learner: this.isLearner
    }
  }

  private resetState (state: ProgressState): void {
    this.paused = false
    this.pendingSnapshot = 0
    this.state = state
    this.inflights.reset()
    this.snapshotSender = undefined
  }
}
