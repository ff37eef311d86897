import { silentLogger, type Logger, type RandomSource } from '@meshwork/core-mesh'
import { DEFAULT_COMPACTION_MARGIN, DEFAULT_SNAPSHOT_ENTRIES } from '../constants.js'
import { GroupStoppedError } from '../errors.js'
import { decodeConfChange } from '../raft/core/conf-change-codec.js'
import type { RaftCoreConfig } from '../raft/core/config.js'
import { RaftCore } from '../raft/core/raft-core.js'
import type { ConfChange, Entry, Message, NodeId, RaftStatus, Ready, Snapshot, SoftState } from '../raft/core/types.js'
import type { StateMachine } from '../state-machine.js'
import type { GroupPersistence, PersistUpdate } from './group-persistence.js'
import { ReadWaiters } from './read-waiters.js'

/** Core options a group passes through (see `RaftCoreConfig`). */
export type GroupCoreOptions = Omit<RaftCoreConfig, 'id' | 'storage' | 'random' | 'applied'>

export interface RaftGroupInit<Result> {
  readonly group: string
  readonly id: NodeId
  readonly persistence: GroupPersistence
  readonly stateMachine: StateMachine<Result>
  /** Hands a message to the network; never blocks, never throws. */
  readonly send: (message: Message) => void
  readonly random: RandomSource
  readonly core?: GroupCoreOptions
  /** Snapshot and compact every this many applied entries. */
  readonly snapshotEntries?: number
  /** Entries kept behind a snapshot for slow followers. */
  readonly compactionMargin?: number
  readonly logger?: Logger
}

export type AppliedListener<Result> = (entry: Entry, result: Result | undefined) => void
export type ConfChangeListener = (change: ConfChange, entry: Entry) => void
export type SoftStateListener = (state: SoftState) => void

/**
 * Hosts one Raft group: drives its I/O-free core and does what each `Ready` asks, in the order
 * Raft's safety needs — persist (fsync) → send → apply → serve reads → advance (a leader sends
 * before persisting: see `handle`). One `Ready` is
 * processed at a time; whatever arrives meanwhile (proposals, messages, ticks) is batched into
 * the next one, which is how concurrent writes share one fsync.
 *
 * The owner calls `tick` every tick interval and `receive` for every inbound message.
 */
export class RaftGroup<Result = unknown> {
  readonly group: string
  readonly core: RaftCore
  private readonly persistence: GroupPersistence
  private readonly stateMachine: StateMachine<Result>
  private readonly logger: Logger
  private readonly appliedListeners = new Set<AppliedListener<Result>>()
  private readonly confChangeListeners = new Set<ConfChangeListener>()
  private readonly softStateListeners = new Set<SoftStateListener>()
  private readonly reads = new ReadWaiters()
  private appliedIndex: number
  private snapshotIndex: number
  private softState: SoftState = { leader: undefined, role: 'follower' }
  /** Term and vote as last fsynced. */
  private durableTerm: number
  private durableVote: NodeId
  private running = false
  private scheduled = false
  private stopped = false
  private failure: Error | undefined

  constructor (private readonly init: RaftGroupInit<Result>) {
    this.group = init.group
    this.persistence = init.persistence
    this.stateMachine = init.stateMachine
    this.logger = init.logger ?? silentLogger
    const { hardState } = init.persistence.log.initialState()
    this.durableTerm = hardState.term
    this.durableVote = hardState.vote
    const snapshot = init.persistence.log.snapshot()
    if (snapshot.data.length > 0) this.stateMachine.restore(snapshot.data)
    this.snapshotIndex = snapshot.metadata.index
    this.appliedIndex = snapshot.metadata.index
    this.core = new RaftCore({ ...init.core, id: init.id, storage: init.persistence.log, random: init.random, applied: this.appliedIndex })
    // Entries committed before a restart are applied at once, without waiting for a tick.
    this.schedule()
  }

  get applied (): number {
    return this.appliedIndex
  }

  get leader (): NodeId | undefined {
    return this.softState.leader
  }

  get isLeader (): boolean {
    return !this.stopped && this.softState.role === 'leader'
  }

  /** Set once storage failed; the group then stops serving. */
  get failed (): Error | undefined {
    return this.failure
  }

  status (): RaftStatus {
    return this.core.status()
  }

  tick (): void {
    if (this.stopped) return
    this.core.tick()
    this.schedule()
  }

  /** Feed a message from the network; throws the core's `InvalidRaftMessageError` for a message no correct member sends. */
  receive (message: Message): void {
    if (this.stopped) return
    try {
      this.core.step(message)
    } finally {
      this.schedule()
    }
  }

  propose (data: Uint8Array): void {
    this.checkRunning()
    this.core.propose(data)
    this.schedule()
  }

  proposeConfChange (change: ConfChange): void {
    this.checkRunning()
    this.core.proposeConfChange(change)
    this.schedule()
  }

  transferLeadership (to: NodeId): void {
    this.checkRunning()
    this.core.transferLeadership(to)
    this.schedule()
  }

  campaign (): void {
    this.checkRunning()
    this.core.campaign()
    this.schedule()
  }

  reportUnreachable (peer: NodeId): void {
    if (this.stopped) return
    this.core.reportUnreachable(peer)
    this.schedule()
  }

  /**
   * Ask the leader for a read index with `context` (unique per request). The answer comes
   * through `whenRead`; requests may be dropped (no leader, leader change), so callers retry.
   */
  requestRead (context: Uint8Array): void {
    this.checkRunning()
    this.core.readIndex(context)
    this.schedule()
  }

  /** The read index confirmed for `context`, once the leader answers. */
  whenRead (context: Uint8Array, signal: AbortSignal): Promise<number> {
    return this.reads.whenConfirmed(context, signal)
  }

  /** Resolves once everything up to `index` is applied here. */
  whenApplied (index: number, signal: AbortSignal): Promise<void> {
    return this.reads.whenApplied(index, this.appliedIndex, signal)
  }

  onApplied (listener: AppliedListener<Result>): () => void {
    this.appliedListeners.add(listener)
    return () => { this.appliedListeners.delete(listener) }
  }

  onConfChange (listener: ConfChangeListener): () => void {
    this.confChangeListeners.add(listener)
    return () => { this.confChangeListeners.delete(listener) }
  }

  onSoftState (listener: SoftStateListener): () => void {
    this.softStateListeners.add(listener)
    return () => { this.softStateListeners.delete(listener) }
  }

  /** Stop driving the core; pending reads are rejected. Idempotent. */
  stop (): void {
    if (this.stopped) return
    this.stopped = true
    this.reads.rejectAll(new GroupStoppedError(`group ${this.group} stopped`))
    // A stopped member leads nothing any more, whatever its core last said: tell the listeners,
    // so that nobody acts as leader on a group that stopped (on a storage failure, say).
    this.updateSoftState({ leader: undefined, role: 'follower' })
  }

  private checkRunning (): void {
    if (this.failure !== undefined) throw this.failure
    if (this.stopped) throw new GroupStoppedError(`group ${this.group} stopped`)
  }

  private schedule (): void {
    if (this.scheduled || this.running || this.stopped) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      void this.run()
    })
  }

  private async run (): Promise<void> {
    if (this.running || this.stopped) return
    this.running = true
    try {
      while (!this.stopped && this.core.hasReady()) await this.handle(this.core.ready())
    } catch (err) {
      this.fail(err as Error)
    } finally {
      this.running = false
    }
  }

  private fail (err: Error): void {
    if (this.failure !== undefined) return
    this.failure = err
    this.logger.error({ group: this.group, err: err.message }, 'raft group failed; it stops serving')
    this.stop()
  }

  private async handle (ready: Ready): Promise<void> {
    if (ready.softState !== undefined) this.updateSoftState(ready.softState)
    const update: PersistUpdate = { hardState: ready.hardState, entries: ready.entries, snapshot: ready.snapshot }
    // A leader's messages (appends, heartbeats) do not depend on its own unsynced state — the core
    // counts its own entries only once `advance` says they are durable — so they leave first and
    // the followers write in parallel with the leader (Raft thesis §10.2.1). Everyone else
    // persists first: a vote or an acknowledgement must never outlive a crash's memory.
    // Only while term and vote are already durable: a leader that just won (or a Ready that moves
    // the term) must not speak for a term a crash could forget.
    const hardState = ready.hardState
    const sendFirst = this.softState.role === 'leader' &&
      (hardState === undefined || (hardState.term === this.durableTerm && hardState.vote === this.durableVote))
    if (sendFirst) for (const message of ready.messages) this.init.send(message)
    if (ready.entries.length > 0 || ready.snapshot !== undefined || ready.mustSync) {
      await this.persistence.save(update, { sync: ready.mustSync })
      if (hardState !== undefined && ready.mustSync) {
        this.durableTerm = hardState.term
        this.durableVote = hardState.vote
      }
    } else if (ready.hardState !== undefined) {
      // Only the commit index moved. It need not be durable before entries are applied — after a
      // crash the leader tells us again — so it is written behind, in order with later writes.
      this.persistence.save(update, { sync: false }).catch((err: Error) => { this.fail(err) })
    }
    if (ready.snapshot !== undefined) this.restore(ready.snapshot)
    if (!sendFirst) for (const message of ready.messages) this.init.send(message)
    for (const entry of ready.committedEntries) this.apply(entry)
    for (const read of ready.readStates) this.reads.confirm(read.context, read.index)
    this.core.advance(ready)
    this.reads.appliedUpTo(this.appliedIndex)
    await this.maybeSnapshot()
  }

  private restore (snapshot: Snapshot): void {
    if (snapshot.data.length > 0) this.stateMachine.restore(snapshot.data)
    this.appliedIndex = snapshot.metadata.index
    this.snapshotIndex = snapshot.metadata.index
  }

  private apply (entry: Entry): void {
    if (entry.index <= this.appliedIndex) return
    this.appliedIndex = entry.index
    if (entry.type === 'config') {
      const change = decodeConfChange(entry.data)
      this.core.applyConfChange(change)
      for (const listener of this.confChangeListeners) listener(change, entry)
      return
    }
    const result = this.stateMachine.apply(entry)
    for (const listener of this.appliedListeners) listener(entry, result)
  }

  private updateSoftState (state: SoftState): void {
    const changed = state.leader !== this.softState.leader || state.role !== this.softState.role
    this.softState = state
    if (!changed) return
    for (const listener of this.softStateListeners) listener(state)
  }

  private async maybeSnapshot (): Promise<void> {
    const every = this.init.snapshotEntries ?? DEFAULT_SNAPSHOT_ENTRIES
    if (this.appliedIndex - this.snapshotIndex < every) return
    const index = this.appliedIndex
    const confState = this.core.status().confState
    const margin = this.init.compactionMargin ?? DEFAULT_COMPACTION_MARGIN
    const snapshot: Snapshot = { metadata: { index, term: this.persistence.log.term(index), confState }, data: this.stateMachine.snapshot() }
    await this.persistence.compact(snapshot, Math.max(this.snapshotIndex, index - margin))
    this.snapshotIndex = index
  }
}
