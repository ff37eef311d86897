import type { CoreContext } from './core-context.js'
import { ReadOnlyQueue } from './read-only.js'
import type { ReadRequest } from './read-only.js'
import type { HeartbeatResponseMessage, ReadState } from './types.js'

/** How the leader reaches the members for a ReadIndex round, and hands answers to the host. */
export interface ReadIndexHooks {
  /** Start a heartbeat round carrying `context`. */
  broadcastHeartbeat(context: Uint8Array): void
  /** A read for this member's own host is confirmed. */
  pushReadState(read: ReadState): void
  /**
   * Whether the leader's lease still holds: a quorum heard from recently enough that no other
   * leader can have been elected since, and no leadership handover started in this term.
   */
  leaseHolds(): boolean
}

/**
 * The leader's handling of linearizable reads (Raft thesis §6.4): a request is answered with the
 * commit index as of its arrival, once the leader knows it still leads — by a heartbeat round
 * that a quorum acknowledges ('safe'), or by its lease ('lease'). A leader that has not yet
 * committed an entry of its term does not know the real commit index and holds reads until then.
 */
export class ReadIndexCoordinator {
  private readonly queue = new ReadOnlyQueue()
  /** Reads that arrived before the leader committed an entry of its term. */
  private held: ReadRequest[] = []

  constructor (private readonly core: CoreContext, private readonly hooks: ReadIndexHooks) {}

  /** The context to carry on a heartbeat round: the latest pending read, if any. */
  heartbeatContext (): Uint8Array | undefined {
    return this.queue.lastPendingContext()
  }

  /** A read from this member's host or forwarded by a follower. */
  request (request: ReadRequest): void {
    const { tracker, log, id } = this.core
    // Even a single voter waits for an entry of its term to commit: until then its commit index
    // may lag what it acknowledged before a restart.
    if (!this.committedInCurrentTerm()) {
      this.held.push(request)
      return
    }
    if (tracker.isSingleVoter() && tracker.isVoter(id)) {
      this.answer(request, log.committed)
      return
    }
    this.confirm(request)
  }

  /** The commit index moved: release held reads once it reaches the leader's term. */
  onCommit (): void {
    if (this.held.length === 0 || !this.committedInCurrentTerm()) return
    const reads = this.held
    this.held = []
    for (const request of reads) this.confirm(request)
  }

  /** A heartbeat answer: count it towards the round it carries. */
  onHeartbeatResponse (message: HeartbeatResponseMessage): void {
    if (message.context.byteLength === 0) return
    const acks = this.queue.recordAck(message.from, message.context)
    if (acks === undefined || !this.core.tracker.isQuorum(acks)) return
    for (const read of this.queue.confirm(message.context)) this.answer(read.request, read.index)
  }

  /** Forget every pending read (leadership lost). */
  reset (): void {
    this.queue.clear()
    this.held = []
  }

  private confirm (request: ReadRequest): void {
    const { log, tracker, id, config } = this.core
    // A lease read is answered at once only while the lease holds; otherwise (a quorum not heard
    // from lately, a handover under way) it takes the safe path, a heartbeat round.
    if (config.readOnly === 'lease' && this.hooks.leaseHolds()) {
      this.answer(request, log.committed)
      return
    }
    this.queue.add(log.committed, request)
    const acks = this.queue.recordAck(id, request.context)
    if (acks !== undefined && tracker.isQuorum(acks)) {
      for (const read of this.queue.confirm(request.context)) this.answer(read.request, read.index)
      return
    }
    this.hooks.broadcastHeartbeat(request.context)
  }

  private answer (request: ReadRequest, index: number): void {
    const { id, term } = this.core
    if (request.from === id) this.hooks.pushReadState({ index, context: request.context })
    else this.core.send({ type: 'readIndexResponse', from: id, to: request.from, term, index, context: request.context })
  }

  private committedInCurrentTerm (): boolean {
    return this.core.log.termOrUndefined(this.core.log.committed) === this.core.term
  }
}
