import type { TimerHandle } from '@meshwork/core-mesh'
import type { DelayRange, SeededRandom, SimulatedNetwork, VirtualClock } from '@meshwork/core-mesh/testkit'
import { InvalidRaftMessageError, ProposalDroppedError } from '../../../src/errors.js'
import { encodeKvCommand } from '../../../src/kv/kv-command-codec.js'
import { KvStateMachine } from '../../../src/kv/kv-state-machine.js'
import type { KvCommand, KvEntry, KvResult } from '../../../src/kv/kv-types.js'
import { decodeConfChange } from '../../../src/raft/core/conf-change-codec.js'
import type { RaftCoreConfig } from '../../../src/raft/core/config.js'
import { RaftCore } from '../../../src/raft/core/raft-core.js'
import type { ConfChange, ConfState, Entry, Message, NodeId, RaftStatus, Ready, Role, Snapshot } from '../../../src/raft/core/types.js'
import type { CrashLoss, SimulatedDisk } from './simulated-disk.js'

/**
 * Deliberate defects a host can be given, to prove that the checks catch them. A correct host
 * has none.
 */
export interface HostDefects {
  /** Send a Ready's messages (votes, append acks) before its writes are durable. */
  readonly sendBeforeDurable?: boolean
  /** Answer reads from the local state machine at once, without ReadIndex. */
  readonly localReads?: boolean
}

/** What members tell the cluster as they run; the cluster keeps the invariants' evidence. */
export interface MemberObserver {
  leaderElected(member: NodeId, term: number): void
  /** A committed entry applied (config or normal). */
  applied(member: NodeId, entry: Entry): void
  /** A snapshot from the leader replaced the member's log and state. */
  snapshotInstalled(member: NodeId, snapshot: Snapshot): void
  /** The member applied the membership change at `index` and now has this configuration. */
  configurationChanged(member: NodeId, confState: ConfState, change: ConfChange, index: number): void
  /** A message that a correct member never sends was refused. */
  refused(member: NodeId, message: Message, error: InvalidRaftMessageError): void
  /** The member started an fsync that covers log entries (a crash now would lose them). */
  syncStarted(member: NodeId, entries: number): void
}

export interface SimMemberInit {
  readonly id: NodeId
  readonly clock: VirtualClock
  /** The member's own random stream; each incarnation forks its own from it. */
  readonly random: SeededRandom
  readonly net: SimulatedNetwork<Message>
  readonly disk: SimulatedDisk
  readonly observer: MemberObserver
  readonly core: Omit<RaftCoreConfig, 'id' | 'storage' | 'random' | 'applied'>
  readonly tickMs: number
  /** How long an fsync takes. */
  readonly fsyncMs: DelayRange
  /** Take a snapshot and compact every this many applied entries. */
  readonly snapshotEvery: number
  /** Entries kept behind a snapshot. */
  readonly compactionMargin: number
  readonly defects?: HostDefects
}

export type MemberState = 'up' | 'paused' | 'crashed' | 'stopped'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** What a client learns from one attempt. */
export type WriteCallback = (result: KvResult) => void
export type ReadCallback = (entry: KvEntry | undefined, index: number) => void

interface PendingRead {
  readonly key: string
  readonly callback: ReadCallback
  index: number | undefined
}

/**
 * One simulated member: a RaftCore over a `SimulatedDisk`, a `KvStateMachine`, and the host loop
 * that drives them on the virtual clock. Each `Ready` is handled in the order Raft needs:
 * persist (and wait for the simulated fsync when `mustSync`) → send → apply committed entries
 * (config changes to the core, commands to the state machine, answering the client waiting for
 * that request) → confirm reads → advance → snapshot and compact every `snapshotEvery` entries.
 *
 * While an fsync is in flight the host is blocked, as a synchronous host is: ticks and messages
 * still reach the core and are handled in the next Ready. A paused member (SIGSTOP) neither ticks
 * nor handles anything; on resume it first catches up the ticks it missed, as a host that reads
 * the wall clock would. A crash loses the fsync in flight and whatever was not durable; restart
 * rebuilds the core from the disk with `applied` at the snapshot, replaying the committed log.
 */
export class SimMember {
  readonly id: NodeId
  private readonly init: SimMemberInit
  private core!: RaftCore
  private kv!: KvStateMachine
  private confState!: ConfState
  private appliedIndex = 0
  private snapshotIndex = 0
  private memberState: MemberState = 'up'
  /** The role as of the last Ready. */
  private role: Role = 'follower'
  /** Term and vote as last fsynced (a leader sends before its fsync only while they are). */
  private durableTerm = 0
  private durableVote = ''
  /** Bumped on crash, so that timers of an earlier life do nothing. */
  private incarnation = 0
  private ticker: TimerHandle = undefined
  private missedTicks = 0
  private syncing = false
  private driving = false
  /** Work left when an fsync completed during a pause. */
  private continuation: (() => void) | undefined
  private readonly writes = new Map<string, WriteCallback[]>()
  private readonly reads = new Map<string, PendingRead>()
  /** When set, the next fsync covering entries is interrupted by this callback (a crash). */
  private syncTrap: ((delayMs: number) => void) | undefined
  private readonly fsyncRandom: SeededRandom

  constructor (init: SimMemberInit) {
    this.id = init.id
    this.init = init
    this.fsyncRandom = init.random.fork('fsync')
    this.boot()
    init.net.addNode(this.id, (_from, message) => { this.receive(message) })
    this.startTicking()
  }

  get state (): MemberState {
    return this.memberState
  }

  get applied (): number {
    return this.appliedIndex
  }

  get disk (): SimulatedDisk {
    return this.init.disk
  }

  /** The configuration as of the last applied entry. */
  get configuration (): ConfState {
    return this.confState
  }

  status (): RaftStatus {
    return this.core.status()
  }

  /** The state machine's keys and values, for comparing members. */
  stateDigest (): string {
    const keys = [...this.kv.keys()].sort()
    return keys.map(key => `${key}=${decoder.decode(this.kv.get(key)?.value)}@${this.kv.get(key)?.modRevision}`).join(',')
  }

  /**
   * Propose a write; `callback` runs when this member applies it (with the first result if it
   * is a retry). Returns false when the core refused it at once (definitely not proposed).
   */
  submitWrite (command: KvCommand, callback: WriteCallback): boolean {
    if (this.memberState === 'crashed' || this.memberState === 'stopped') return false
    const key = requestKey(command.request.client, command.request.seq)
    if (this.memberState === 'paused') {
      // The request waits in the socket buffer until the process runs again.
      this.deferUntilResume(() => { this.submitWrite(command, callback) })
      return true
    }
    try {
      this.core.propose(encodeKvCommand(command))
    } catch (err) {
      if (err instanceof ProposalDroppedError) return false
      throw err
    }
    this.writes.set(key, [...this.writes.get(key) ?? [], callback])
    this.drive()
    return true
  }

  /**
   * A linearizable read of `key` through ReadIndex (or the lease), identified by `context`
   * (unique per attempt). Returns false when the core refused it at once.
   */
  submitRead (key: string, context: string, callback: ReadCallback): boolean {
    if (this.memberState === 'crashed' || this.memberState === 'stopped') return false
    if (this.memberState === 'paused') {
      this.deferUntilResume(() => { this.submitRead(key, context, callback) })
      return true
    }
    if (this.init.defects?.localReads === true) {
      callback(this.kv.get(key), this.appliedIndex)
      return true
    }
    try {
      this.core.readIndex(encoder.encode(context))
    } catch (err) {
      if (err instanceof ProposalDroppedError) return false
      throw err
    }
    this.reads.set(context, { key, callback, index: undefined })
    this.drive()
    return true
  }

  /** Propose a membership change here (normally at the leader). Throws what the core throws. */
  proposeConfChange (change: ConfChange): void {
    this.core.proposeConfChange(change)
    this.drive()
  }

  transferLeadership (to: NodeId): void {
    this.core.transferLeadership(to)
    this.drive()
  }

  /**
   * Call `trap` with the fsync's duration when the next fsync that covers log entries starts
   * (the fault injector schedules a crash inside it, so that its writes are lost).
   */
  armSyncTrap (trap: (delayMs: number) => void): void {
    this.syncTrap = trap
  }

  disarmSyncTrap (): void {
    this.syncTrap = undefined
  }

  /** Power loss: keep `survivors` of the writes not yet durable, lose the rest. */
  crash (survivors: number): CrashLoss {
    if (this.memberState === 'crashed' || this.memberState === 'stopped') throw new Error(`${this.id} is already down`)
    this.memberState = 'crashed'
    this.incarnation++
    this.init.clock.clearTimeout(this.ticker)
    this.syncing = false
    this.continuation = undefined
    this.syncTrap = undefined
    this.writes.clear()
    this.reads.clear()
    this.init.net.crash(this.id)
    return this.init.disk.crash(survivors)
  }

  /** Start again from what is on disk. */
  restart (): void {
    if (this.memberState !== 'crashed') throw new Error(`${this.id} cannot restart: it is ${this.memberState}`)
    this.memberState = 'up'
    this.boot()
    this.init.net.restart(this.id)
    this.startTicking()
  }

  pause (): void {
    if (this.memberState !== 'up') throw new Error(`${this.id} cannot pause: it is ${this.memberState}`)
    this.memberState = 'paused'
    this.init.net.pause(this.id)
  }

  resume (): void {
    if (this.memberState !== 'paused') throw new Error(`${this.id} cannot resume: it is ${this.memberState}`)
    this.memberState = 'up'
    // The wall clock moved on while the process was stopped: the ticks come first.
    const missed = this.missedTicks
    this.missedTicks = 0
    for (let i = 0; i < missed; i++) this.core.tick()
    const continuation = this.continuation
    this.continuation = undefined
    continuation?.()
    this.drive()
    this.init.net.resume(this.id)
  }

  /** Take the member out for good (removed from the group). */
  stop (): void {
    if (this.memberState !== 'crashed') this.init.net.crash(this.id)
    this.memberState = 'stopped'
    this.incarnation++
    this.init.clock.clearTimeout(this.ticker)
    this.writes.clear()
    this.reads.clear()
  }

  private boot (): void {
    const storage = this.init.disk.written
    const snapshot = storage.snapshot()
    this.kv = new KvStateMachine()
    if (snapshot.data.length > 0) this.kv.restore(snapshot.data)
    this.appliedIndex = snapshot.metadata.index
    this.snapshotIndex = snapshot.metadata.index
    this.confState = storage.initialState().confState
    this.durableTerm = storage.initialState().hardState.term
    this.durableVote = storage.initialState().hardState.vote
    this.missedTicks = 0
    this.role = 'follower'
    this.core = new RaftCore({
      ...this.init.core,
      id: this.id,
      storage,
      random: this.init.random.fork(`core-${this.incarnation}`),
      applied: this.appliedIndex
    })
  }

  private startTicking (): void {
    const incarnation = this.incarnation
    // A random phase, so that members do not tick in lockstep.
    const phase = 1 + this.fsyncRandom.int(this.init.tickMs)
    this.ticker = this.init.clock.setTimeout(() => {
      if (incarnation !== this.incarnation) return
      this.ticker = this.init.clock.setInterval(() => { this.tick() }, this.init.tickMs)
      this.tick()
    }, phase)
  }

  private tick (): void {
    if (this.memberState === 'paused') {
      this.missedTicks++
      return
    }
    if (this.memberState !== 'up') return
    this.core.tick()
    this.drive()
  }

  private receive (message: Message): void {
    if (this.memberState !== 'up') return
    try {
      this.core.step(message)
    } catch (err) {
      if (!(err instanceof InvalidRaftMessageError)) throw err
      this.init.observer.refused(this.id, message, err)
    }
    this.drive()
  }

  private deferUntilResume (work: () => void): void {
    const previous = this.continuation
    this.continuation = () => { previous?.(); work() }
  }

  /** Handle Readies until there are none or an fsync blocks. */
  private drive (): void {
    if (this.memberState !== 'up' || this.syncing || this.driving) return
    this.driving = true
    try {
      while (this.memberState === 'up' && !this.syncing && this.core.hasReady()) this.handle(this.core.ready())
    } finally {
      this.driving = false
    }
  }

  private handle (ready: Ready): void {
    this.observeLeadership(ready)
    const persists = ready.snapshot !== undefined || ready.entries.length > 0 || ready.hardState !== undefined
    if (persists) this.init.disk.write({ snapshot: ready.snapshot, entries: ready.entries, hardState: ready.hardState })
    // As RaftGroup does: a leader's messages leave before its own fsync (the core counts its own
    // entries only at advance); everyone else's wait for durability, unless the defect is set.
    const termDurable = ready.hardState === undefined || (ready.hardState.term === this.durableTerm && ready.hardState.vote === this.durableVote)
    const early = this.init.defects?.sendBeforeDurable === true || (this.role === 'leader' && termDurable)
    if (early) this.send(ready.messages)
    if (!persists || !ready.mustSync) {
      this.finish(ready, !early)
      return
    }
    this.syncing = true
    const incarnation = this.incarnation
    const { minMs, maxMs } = this.init.fsyncMs
    const delay = minMs + this.fsyncRandom.int(maxMs - minMs + 1)
    if (ready.entries.length > 0) {
      this.init.observer.syncStarted(this.id, ready.entries.length)
      const trap = this.syncTrap
      this.syncTrap = undefined
      trap?.(delay)
    }
    const synced = ready.hardState
    this.init.clock.setTimeout(() => {
      if (incarnation !== this.incarnation) return
      this.init.disk.sync()
      if (synced !== undefined) {
        this.durableTerm = synced.term
        this.durableVote = synced.vote
      }
      this.syncing = false
      const rest = (): void => {
        this.finish(ready, !early)
        this.drive()
      }
      if (this.memberState === 'paused') this.deferUntilResume(rest)
      else rest()
    }, delay)
  }

  /**
   * Report leadership in every term this member leads: on a role change, and on a term change
   * while leading (a member can lose and regain leadership between two Readies, which changes
   * the term but not the role).
   */
  private observeLeadership (ready: Ready): void {
    if (ready.softState !== undefined) this.role = ready.softState.role
    if (this.role !== 'leader' || (ready.softState === undefined && ready.hardState === undefined)) return
    this.init.observer.leaderElected(this.id, ready.hardState?.term ?? this.core.status().term)
  }

  private finish (ready: Ready, send: boolean): void {
    if (send) this.send(ready.messages)
    if (ready.snapshot !== undefined) this.installSnapshot(ready.snapshot)
    for (const entry of ready.committedEntries) this.apply(entry)
    for (const read of ready.readStates) {
      const pending = this.reads.get(decoder.decode(read.context))
      if (pending !== undefined) pending.index = read.index
    }
    this.core.advance(ready)
    this.serveReads()
    this.maybeSnapshot()
  }

  private send (messages: readonly Message[]): void {
    for (const message of messages) this.init.net.send(this.id, message.to, message)
  }

  private installSnapshot (snapshot: Snapshot): void {
    if (snapshot.data.length > 0) this.kv.restore(snapshot.data)
    this.appliedIndex = snapshot.metadata.index
    this.snapshotIndex = snapshot.metadata.index
    this.confState = snapshot.metadata.confState
    this.init.observer.snapshotInstalled(this.id, snapshot)
  }

  private apply (entry: Entry): void {
    if (entry.index <= this.appliedIndex) return
    this.appliedIndex = entry.index
    this.init.observer.applied(this.id, entry)
    if (entry.type === 'config') {
      const change = decodeConfChange(entry.data)
      this.confState = this.core.applyConfChange(change)
      this.init.observer.configurationChanged(this.id, this.confState, change, entry.index)
      return
    }
    const result = this.kv.apply(entry)
    if (result === undefined) return
    const key = requestKey(result.request.client, result.request.seq)
    const callbacks = this.writes.get(key)
    if (callbacks === undefined) return
    this.writes.delete(key)
    for (const callback of callbacks) callback(result)
  }

  private serveReads (): void {
    for (const [context, read] of this.reads) {
      if (read.index === undefined || read.index > this.appliedIndex) continue
      this.reads.delete(context)
      read.callback(this.kv.get(read.key), read.index)
    }
  }

  private maybeSnapshot (): void {
    if (this.appliedIndex - this.snapshotIndex < this.init.snapshotEvery) return
    const index = this.appliedIndex
    const compactTo = Math.max(this.snapshotIndex, index - this.init.compactionMargin)
    this.init.disk.snapshotAndCompact(index, this.confState, this.kv.snapshot(), compactTo)
    this.snapshotIndex = index
  }
}

function requestKey (client: string, seq: number): string {
  return `${client}#${seq}`
}
