import type { CoreContext } from './core-context.js'
import type { Progress } from './progress.js'
import { SnapshotSender } from './snapshot-transfer.js'
import type { AppendMessage, AppendResponseMessage, Entry, HeartbeatMessage, NodeId, SnapshotChunkMessage, SnapshotResponseMessage } from './types.js'

const EMPTY = new Uint8Array(0)

/** What an append response did to the follower's progress. */
export interface AppendAck {
  /** The follower acknowledged entries it had not before: commitment may advance. */
  readonly advanced: boolean
  /** Appends to it were paused before this response. */
  readonly wasPaused: boolean
}

/**
 * The leader's side of log replication (etcd-io/raft's `sendAppend`, `bcastHeartbeat` and the
 * handling of `MsgAppResp`): appends with fast backtracking, pipelining within the inflight
 * window, heartbeats, and chunked snapshots for followers that need compacted entries.
 */
export class Replicator {
  constructor (private readonly core: CoreContext) {}

  /** Send every other member what it is missing (as many appends as its pipeline takes). */
  broadcastAppend (): void {
    const self = this.core.id
    for (const id of this.core.tracker.progress.keys()) {
      if (id === self) continue
      if (this.sendAppend(id)) this.fillPipeline(id)
    }
  }

  /**
   * Send `to` the entries it is missing (or an empty append, when `sendIfEmpty`), or start a
   * snapshot when they were compacted. Returns whether a message went out.
   */
  sendAppend (to: NodeId, sendIfEmpty = true): boolean {
    const { log, config } = this.core
    const progress = this.core.tracker.progress.get(to)
    if (progress === undefined || progress.isPaused()) return false
    const prevIndex = progress.next - 1
    const prevTerm = log.termOrUndefined(prevIndex)
    if (prevTerm === undefined) return this.startSnapshot(to, progress)
    let entries: Entry[]
    if (progress.next > log.lastIndex()) {
      entries = []
    } else {
      try {
        entries = log.entriesFrom(progress.next, config.maxMessageBytes)
      } catch {
        return this.startSnapshot(to, progress)
      }
    }
    if (entries.length === 0 && !sendIfEmpty) return false
    const message: AppendMessage = {
      type: 'append',
      from: this.core.id,
      to,
      term: this.core.term,
      prevIndex,
      prevTerm,
      entries,
      commit: log.committed
    }
    this.core.send(message)
    progress.sentEntries(entries.length, prevIndex + entries.length)
    return true
  }

  /** Keep sending to `to` while the pipeline has room and entries remain. */
  fillPipeline (to: NodeId): void {
    while (this.sendAppend(to, false)) { /* each send moves `next` on or pauses */ }
  }

  /** Heartbeat every other member; `context` (a ReadIndex round) defaults to the latest pending read. */
  broadcastHeartbeat (context: Uint8Array = EMPTY): void {
    const { id, log, term } = this.core
    for (const [to, progress] of this.core.tracker.progress) {
      if (to === id) continue
      const message: HeartbeatMessage = {
        type: 'heartbeat',
        from: id,
        to,
        term,
        // never more than the follower is known to have: it may not hold the rest yet
        commit: Math.min(progress.match, log.committed),
        context
      }
      this.core.send(message)
    }
  }

  /** Update `from`'s progress with its answer to an append; rejections back off and resend here. */
  applyAppendResponse (message: AppendResponseMessage, progress: Progress): AppendAck {
    const { log } = this.core
    progress.heardAt(this.core.ticks)
    if (message.reject) {
      const hint = message.hintTerm > 0 ? log.findConflictByTerm(message.hintIndex, message.hintTerm).index : message.hintIndex
      if (progress.maybeDecrTo(message.index, hint)) {
        if (progress.state === 'replicate') progress.becomeProbe()
        this.sendAppend(message.from)
      }
      return { advanced: false, wasPaused: false }
    }
    const wasPaused = progress.isPaused()
    if (!(progress.maybeUpdate(message.index) || (progress.match === message.index && progress.state === 'probe'))) {
      return { advanced: false, wasPaused }
    }
    if (progress.state === 'probe') {
      progress.becomeReplicate()
    } else if (progress.state === 'snapshot') {
      const firstIndex = log.firstIndex()
      if (progress.match >= progress.pendingSnapshot || progress.match + 1 >= firstIndex) {
        progress.becomeProbe()
        if (progress.match + 1 >= firstIndex) progress.becomeReplicate()
      }
    } else {
      progress.inflights.freeLE(message.index)
    }
    return { advanced: true, wasPaused }
  }

  /** A heartbeat answer: the follower is alive, so resume sending to it. */
  applyHeartbeatResponse (from: NodeId, progress: Progress): void {
    progress.heardAt(this.core.ticks)
    progress.paused = false
    // a full pipeline whose acknowledgements were lost must not stall for ever
    if (progress.state === 'replicate' && progress.inflights.full()) progress.inflights.freeFirst()
    if (progress.state === 'snapshot') this.resumeStalledSnapshot(from, progress)
    else if (progress.match < this.core.log.lastIndex()) this.sendAppend(from)
  }

  applySnapshotResponse (message: SnapshotResponseMessage, progress: Progress): void {
    progress.heardAt(this.core.ticks)
    const sender = progress.snapshotSender
    if (progress.state !== 'snapshot' || sender === undefined || message.index !== progress.pendingSnapshot) return
    if (message.reject) {
      // start over, with the newest snapshot
      progress.becomeProbe()
      this.startSnapshot(message.from, progress)
      return
    }
    const next = sender.acknowledge(message.offset)
    if (next !== undefined) this.sendChunk(message.from, sender, next.offset)
  }

  sendTimeoutNow (to: NodeId): void {
    this.core.send({ type: 'timeoutNow', from: this.core.id, to, term: this.core.term })
  }

  private startSnapshot (to: NodeId, progress: Progress): boolean {
    // An inactive follower would not receive it; wait until it answers a heartbeat.
    if (!progress.recentActive) return false
    const snapshot = this.core.log.snapshot()
    if (snapshot.metadata.index === 0) return false
    const sender = new SnapshotSender(snapshot, this.core.config.snapshotChunkBytes, this.core.ticks)
    progress.becomeSnapshot(snapshot.metadata.index, sender)
    this.sendChunk(to, sender, 0)
    return true
  }

  private sendChunk (to: NodeId, sender: SnapshotSender, offset: number): void {
    const chunk = sender.chunkAt(offset)
    sender.lastSentAt = this.core.ticks
    const message: SnapshotChunkMessage = {
      type: 'snapshot',
      from: this.core.id,
      to,
      term: this.core.term,
      metadata: sender.snapshot.metadata,
      offset: chunk.offset,
      data: chunk.data,
      done: chunk.done,
      totalSize: sender.totalSize,
      checksum: sender.checksum
    }
    this.core.send(message)
  }

  /** A transfer with no acknowledgement for an election timeout resumes from the last acknowledged offset. */
  private resumeStalledSnapshot (to: NodeId, progress: Progress): void {
    const sender = progress.snapshotSender
    if (sender === undefined || this.core.ticks - sender.lastSentAt < this.core.config.electionTicks) return
    this.sendChunk(to, sender, sender.acked)
  }
}
