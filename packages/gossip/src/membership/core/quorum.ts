/**
 * Partition detection. SWIM alone cannot tell "they all died" from "I am cut off from them":
 * both look like many members dead. A node that sees fewer than a quorum of the members that
 * count (alive, suspect, and failed-but-not-left) as reachable is on the minority side of a
 * partition, or alone: it reports PARTITIONED so that the host can stop acting as if it were
 * the cluster (refuse leadership, hold writes…). Members that left do not count: leaving
 * shrinks the cluster, it does not split it.
 */
import type { MembershipStatus, QuorumCounts } from './events.js'

/** Below this many members that count, the status stays HEALTHY: one lost peer of two is no partition. */
const MIN_TOTAL_FOR_PARTITION = 3

export class QuorumMonitor {
  private current: MembershipStatus = 'HEALTHY'

  /** @param fraction quorum is floor(total × fraction) + 1; 0.5 is a strict majority. */
  constructor (private readonly fraction: number) {}

  get status (): MembershipStatus {
    return this.current
  }

  counts (reachable: number, total: number): QuorumCounts {
    return { reachable, total, quorum: Math.floor(total * this.fraction) + 1 }
  }

  /**
   * Re-evaluate with the latest counts. Returns the status when it changed, else undefined.
   */
  evaluate (counts: QuorumCounts): MembershipStatus | undefined {
    const next: MembershipStatus = counts.total >= MIN_TOTAL_FOR_PARTITION && counts.reachable < counts.quorum ? 'PARTITIONED' : 'HEALTHY'
    if (next === this.current) return undefined
    this.current = next
    return next
  }
}
