import type { AbortOptions } from '@meshwork/core-mesh'
import type { RaftGroup } from '../group/raft-group.js'

/** The part of a group an election uses. */
export type ElectionGroup = Pick<RaftGroup, 'leader' | 'isLeader' | 'status' | 'onSoftState' | 'campaign' | 'transferLeadership'>
import type { NodeId } from '../raft/core/types.js'

export type LeaderListener = (leader: NodeId | undefined) => void

/**
 * Leader election over a Raft group — e.g. one group per region whose voters are the region's
 * nodes, to pick a regional leader. At most one member is leader in a term, and with
 * check-quorum a leader cut off from its majority steps down within an election timeout, so
 * two members believing they lead overlap by at most that long: use the leader's term as a
 * fencing token where that matters.
 */
export class LeaderElection {
  constructor (private readonly group: ElectionGroup) {}

  /** The leader this member knows of, if any. */
  get leader (): NodeId | undefined {
    return this.group.leader
  }

  get isLeader (): boolean {
    return this.group.isLeader
  }

  /** The current term: increases with every election; a fencing token for the leader's actions. */
  get term (): number {
    return this.group.status().term
  }

  /** Called whenever the known leader changes (undefined while there is none). */
  onChange (listener: LeaderListener): () => void {
    let last = this.group.leader
    return this.group.onSoftState((state) => {
      if (state.leader === last) return
      last = state.leader
      listener(state.leader)
    })
  }

  /** Resolves with the leader once one is known. */
  async leaderKnown (options: AbortOptions = {}): Promise<NodeId> {
    const known = this.group.leader
    if (known !== undefined) return known
    options.signal?.throwIfAborted()
    return await new Promise<NodeId>((resolve, reject) => {
      const onAbort = (): void => { stop(); reject(options.signal?.reason) }
      const stop = this.onChange((leader) => {
        if (leader === undefined) return
        stop()
        options.signal?.removeEventListener('abort', onAbort)
        resolve(leader)
      })
      options.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Ask to become leader now: this member starts an election (it wins only with a majority). */
  campaign (): void {
    this.group.campaign()
  }

  /**
   * Step down in favour of `to` (default: the most up-to-date other voter), through a
   * leadership transfer. Only the leader can resign; elsewhere this does nothing.
   */
  resign (to?: NodeId): void {
    const status = this.group.status()
    if (status.role !== 'leader') return
    const target = to ?? mostUpToDate(status.progress ?? {}, status.id, status.confState.voters)
    if (target !== undefined) this.group.transferLeadership(target)
  }
}

function mostUpToDate (progress: Readonly<Record<NodeId, { match: number }>>, self: NodeId, voters: readonly NodeId[]): NodeId | undefined {
  let best: NodeId | undefined
  let bestMatch = -1
  for (const voter of voters) {
    if (voter === self) continue
    const match = progress[voter]?.match ?? 0
    if (match > bestMatch) { best = voter; bestMatch = match }
  }
  return best
}
