import { ProposalDroppedError } from '../../errors.js'
import { encodeConfChange } from './conf-change-codec.js'
import { confChangeRefusal, confChangeRefusalQuiet } from './conf-change-guard.js'
import type { ConfChangeGuardState } from './conf-change-guard.js'
import type { CoreContext } from './core-context.js'
import { payloadBytes } from './entry-size.js'
import type { ConfChange, Entry, EntryType, NodeId } from './types.js'

const EMPTY = new Uint8Array(0)

/** An entry as proposed: the leader stamps term and index when it appends it. */
export interface Proposal {
  readonly type: EntryType
  readonly data: Uint8Array
}

/** What the proposal intake needs from the core around it. */
export interface ProposalHooks {
  /** The member leadership is being handed to, if a transfer is under way. */
  readonly transferee: NodeId | undefined
  /** The commit index may have moved (only in a one-voter group). */
  maybeCommit(): boolean
  /** Followers are owed the new entries. */
  scheduleBroadcast(): void
}

/**
 * How a leader takes entries into its log: it stamps them with its term and the next indexes,
 * enforces the uncommitted-bytes budget, and lets membership changes in one at a time (see
 * `conf-change-guard.ts`). It also appends the no-op of a new term and the automatic leave of a
 * joint configuration.
 */
export class LeaderProposals {
  /** Index of the last membership change appended (a new leader: its last index at election). */
  private pendingConfIndex = 0
  private uncommittedBytes = 0

  constructor (private readonly core: CoreContext, private readonly hooks: ProposalHooks) {}

  /** A new term: nothing is pending or uncommitted as far as this member knows. */
  reset (): void {
    this.pendingConfIndex = 0
    this.uncommittedBytes = 0
  }

  /**
   * This member just won an election: no membership change until everything before this term is
   * applied, and the no-op entry whose commitment commits everything before it (Raft §5.4.2) and
   * lets the leader accept membership changes and answer reads.
   */
  startTerm (): void {
    this.pendingConfIndex = this.core.log.lastIndex()
    this.append([{ type: 'normal', data: EMPTY }], false)
  }

  /** Throws `ProposalDroppedError` (or `InvalidConfChangeError`) when `change` cannot be taken now. */
  checkConfChange (change: ConfChange): void {
    const refusal = confChangeRefusal(this.guardState(), change)
    if (refusal !== undefined) throw new ProposalDroppedError(refusal)
  }

  /**
   * Append proposals. A local proposal that cannot be taken throws `ProposalDroppedError`; a
   * forwarded one is dropped (its proposer times out and retries).
   */
  propose (proposals: readonly Proposal[], local: boolean): void {
    const refuse = (reason: string): void => {
      if (local) throw new ProposalDroppedError(reason)
    }
    if (!this.core.tracker.isMember(this.core.id)) return refuse('this leader is no longer a member')
    const transferee = this.hooks.transferee
    if (transferee !== undefined) return refuse(`leadership is being transferred to ${transferee}`)
    const accepted: Proposal[] = []
    let confIndex: number | undefined
    for (const proposal of proposals) {
      if (proposal.type === 'config') {
        // one membership change per batch, and only from the leader's own host: forwarded ones
        // are dropped, so that no member can change the membership by forwarding
        if (confIndex !== undefined || !local) continue
        confIndex = this.core.log.lastIndex() + accepted.length + 1
      }
      accepted.push(proposal)
    }
    if (accepted.length === 0) return undefined
    if (!this.append(accepted, true)) {
      return refuse(`more than ${this.core.config.maxUncommittedBytes} bytes of proposals are uncommitted`)
    }
    if (confIndex !== undefined) this.pendingConfIndex = confIndex
    this.hooks.scheduleBroadcast()
    return undefined
  }

  /** Committed entries were handed to the host: their bytes no longer count as uncommitted. */
  released (entries: readonly Entry[]): void {
    if (entries.length > 0) this.uncommittedBytes = Math.max(0, this.uncommittedBytes - payloadBytes(entries))
  }

  /** In a joint configuration with auto-leave, propose leaving it once the change is applied. */
  maybeLeaveJoint (): void {
    const { tracker } = this.core
    if (!tracker.autoLeave() || !tracker.isJoint() || this.hooks.transferee !== undefined) return
    const leave: ConfChange = { changes: [], transition: 'auto' }
    if (confChangeRefusalQuiet(this.guardState(), leave) !== undefined) return
    this.append([{ type: 'config', data: encodeConfChange(leave) }], false)
    this.pendingConfIndex = this.core.log.lastIndex()
    this.hooks.scheduleBroadcast()
  }

  private guardState (): ConfChangeGuardState {
    const { log, tracker, term } = this.core
    return {
      pendingConfIndex: this.pendingConfIndex,
      applied: log.applied,
      committedInCurrentTerm: log.termOrUndefined(log.committed) === term,
      confState: tracker.confState
    }
  }

  /** Stamp and append entries. Returns false when over the uncommitted-bytes budget. */
  private append (proposals: readonly Proposal[], countBytes: boolean): boolean {
    const { log, term, config } = this.core
    const first = log.lastIndex() + 1
    const entries: Entry[] = proposals.map((proposal, i) => ({ term, index: first + i, type: proposal.type, data: proposal.data }))
    if (countBytes) {
      const bytes = payloadBytes(entries)
      // a single proposal over the budget is still taken when nothing else is uncommitted
      if (this.uncommittedBytes > 0 && bytes > 0 && this.uncommittedBytes + bytes > config.maxUncommittedBytes) return false
      this.uncommittedBytes += bytes
    }
    // The leader's own copy counts towards commitment only once it is durable: `advance`
    // acknowledges it after the host persisted it (the host may send appends to followers first).
    log.append(entries)
    return true
  }
}
