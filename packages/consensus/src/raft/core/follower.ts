import { CorruptSnapshotError } from '../../errors.js'
import type { CoreContext } from './core-context.js'
import { SnapshotAssembler } from './snapshot-transfer.js'
import type { ChunkOutcome } from './snapshot-transfer.js'
import type { AppendMessage, HeartbeatMessage, NodeId, Snapshot, SnapshotChunkMessage } from './types.js'

/**
 * The follower's side of replication: appends (with the hints for fast backtracking),
 * heartbeats, and snapshot chunks assembled and installed once whole and verified.
 */
export class Follower {
  private readonly assembler = new SnapshotAssembler()

  constructor (private readonly core: CoreContext) {}

  handleAppend (message: AppendMessage): void {
    const { log } = this.core
    if (message.prevIndex < log.committed) {
      this.acknowledge(message.from, log.committed)
      return
    }
    const lastNew = log.maybeAppend(message.prevIndex, message.prevTerm, message.commit, message.entries)
    if (lastNew !== undefined) {
      this.acknowledge(message.from, lastNew)
      return
    }
    // Tell the leader where our log may agree with its own, a whole term at a time.
    const hint = log.findConflictByTerm(Math.min(message.prevIndex, log.lastIndex()), message.prevTerm)
    this.core.send({
      type: 'appendResponse',
      from: this.core.id,
      to: message.from,
      term: this.core.term,
      index: message.prevIndex,
      reject: true,
      hintIndex: hint.index,
      hintTerm: hint.term
    })
  }

  handleHeartbeat (message: HeartbeatMessage): void {
    const { log } = this.core
    // A leader never sends a commit index past what it knows we have; clamp one that does.
    log.commitTo(Math.min(message.commit, log.lastIndex()))
    this.core.send({ type: 'heartbeatResponse', from: this.core.id, to: message.from, term: this.core.term, context: message.context })
  }

  /**
   * Feed a snapshot chunk to the assembler before the core changes any state, so that a corrupt
   * chunk throws with the core unchanged: only the partial assembly is discarded, and the sender
   * is asked to start over. Returns undefined for chunks that need no assembly (stale ones).
   */
  receiveChunk (message: SnapshotChunkMessage): ChunkOutcome | undefined {
    if (message.term < this.core.term || message.metadata.index <= this.core.log.committed) return undefined
    try {
      return this.assembler.receive(message)
    } catch (err) {
      if (err instanceof CorruptSnapshotError) {
        this.core.send({ type: 'snapshotResponse', from: this.core.id, to: message.from, term: message.term, index: message.metadata.index, offset: 0, reject: true })
      }
      throw err
    }
  }

  /** Act on a chunk `receiveChunk` took in: acknowledge it, or install the whole snapshot. */
  handleSnapshotChunk (message: SnapshotChunkMessage, outcome: ChunkOutcome | undefined): void {
    const { log } = this.core
    if (outcome === undefined) {
      // we already have everything it covers
      this.acknowledge(message.from, log.committed)
      return
    }
    if (outcome.kind === 'unknownTransfer') {
      this.core.send({ type: 'snapshotResponse', from: this.core.id, to: message.from, term: this.core.term, index: message.metadata.index, offset: 0, reject: true })
      return
    }
    if (outcome.kind !== 'complete') {
      this.core.send({ type: 'snapshotResponse', from: this.core.id, to: message.from, term: this.core.term, index: message.metadata.index, offset: outcome.received, reject: false })
      return
    }
    if (this.restore(outcome.snapshot)) this.acknowledge(message.from, log.lastIndex())
    else this.acknowledge(message.from, log.committed)
  }

  /**
   * Install a snapshot from the leader: the log is replaced and the snapshot's configuration
   * becomes ours, including membership changes we never saw as log entries. Returns false when
   * the snapshot brings nothing new, or arrives while committed entries are still being applied.
   */
  private restore (snapshot: Snapshot): boolean {
    const { log, tracker } = this.core
    const { index, term, confState } = snapshot.metadata
    if (index <= log.committed) return false
    // Committed entries handed to the host are still being applied (their config entries would
    // land on top of the snapshot's configuration): not now. The leader sends the snapshot again.
    if (log.applying > log.applied) return false
    if (log.matchTerm(index, term)) {
      // our log already has it: just fast-forward the commit index
      log.commitTo(index)
      return false
    }
    log.restore(snapshot)
    tracker.setConfiguration(confState, log.lastIndex())
    return true
  }

  private acknowledge (to: NodeId, index: number): void {
    this.core.send({ type: 'appendResponse', from: this.core.id, to, term: this.core.term, index, reject: false, hintIndex: 0, hintTerm: 0 })
  }
}
