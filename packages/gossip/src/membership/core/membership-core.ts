/**
 * `MembershipCore`: SWIM with the Lifeguard extensions, as an I/O-free state machine (after
 * hashicorp/memberlist and serf). It keeps the cluster's member list by probing members on a
 * randomized round-robin (direct ping, then indirect ping-req with nacks), suspecting those that
 * do not answer with a timeout that shrinks as others confirm, letting the accused refute with
 * a higher incarnation, and spreading every change by piggybacking it on protocol messages, a
 * gossip timer and periodic full-state push-pulls. It also reconnects to failed members (which
 * merges healed partitions), keeps tombstones, restores from a persisted snapshot, carries member
 * metadata, and reports when this node sees less than a quorum (PARTITIONED).
 *
 * The host (the libp2p adapter, or a simulation) provides everything outside: the clock, the
 * random source, `send` (fire and forget, may be dropped) and a signer for this node's claims;
 * it calls `receive` with each authenticated message. The core never does I/O, never reads the
 * wall clock, never calls `Math.random` and does no crypto, so the same seed replays a run.
 *
 * Beyond memberlist, three small additions close gaps that a bounded retransmit count leaves:
 * a message to a member we hold dead carries its death first (as the buddy system does for a
 * suspicion), so a live "dead" member refutes as soon as it talks to us; a message carrying a
 * stale accusation of us, or a stale suspicion of a member that left, is answered directly with
 * the claim that supersedes it; and gossip to recently dead members comes on top of the live
 * fan-out instead of out of it.
 *
 * Contract:
 * - All methods are synchronous and must be called from one thread of control (the clock's
 *   callbacks and the host's calls never interleave).
 * - `receive` never throws: malformed input is ignored. Messages are never mutated, and the
 *   core never mutates a message it sent.
 * - Events are delivered synchronously (see {@link MembershipEventListener}).
 * - `stop()` cancels every timer; the core may be started again and keeps its table.
 */
import { NotStartedError, InvalidConfigError, type Clock, type RandomSource, type TimerHandle } from '@meshwork/core-mesh'
import { Awareness } from './awareness.js'
import { Dissemination } from './dissemination.js'
import { pushPullIntervalFor, resolveMembershipConfig, type MembershipConfig } from './config.js'
import type { MemberInfo, MembershipEvent, MembershipEventListener, MembershipStatus } from './events.js'
import { FailureDetector } from './failure-detector.js'
import { isReachable, toMemberInfo } from './member-table.js'
import { isSwimEnvelope, isValidAddresses, isValidMetadata, isValidUpdate, validUpdates } from './message-guards.js'
import { MembershipState } from './membership-state.js'
import type { AliveUpdate, MemberMetadata, SwimMessage, UpdateSigner } from './messages.js'
import { ProbeOrder } from './probe-order.js'
import { QuorumMonitor } from './quorum.js'
import { pickOne, sampleUpTo } from './random-choice.js'

/** Persisted members contacted by a push-pull when a restored node starts. */
const REJOIN_FANOUT = 3
/** Most seeds one `join` call contacts. */
const MAX_JOIN_SEEDS = 16

/** What the host persists (`snapshot()`) and hands back on restart (`initial`). */
export interface MembershipSnapshot {
  /** This node's incarnation when the snapshot was taken. */
  incarnation: number
  /** The latest alive claims of the members that have not left (this node excluded). */
  members: AliveUpdate[]
}

export interface MembershipCoreInit {
  /** This node's member id (its peer id). */
  self: string
  clock: Clock
  random: RandomSource
  /**
   * Send `message` to member `to`. Fire and forget: it may be dropped, must not throw, and must
   * not call back into the core synchronously. The core does not mutate `message` afterwards.
   */
  send: (to: string, message: SwimMessage) => void
  /** Signs this node's own claims (alive, suspect, dead, leave). */
  signer: UpdateSigner
  /** This node's dialable addresses, as carried in its alive claims. Default none. */
  addresses?: string[]
  /** This node's metadata. Default no region, no roles, no tags. */
  metadata?: MemberMetadata
  config?: Partial<MembershipConfig>
  /**
   * A persisted {@link MembershipSnapshot}: this node starts above its incarnation (so its new
   * alive claim beats any old suspicion or death of it), and on `start` it adds the members and
   * push-pulls with a few of them.
   */
  initial?: Partial<MembershipSnapshot>
}

export type { MemberInfo, MemberState, MembershipEvent, MembershipEventListener, MembershipStatus, QuorumCounts } from './events.js'

type Lifecycle = 'idle' | 'running' | 'leaving' | 'left' | 'stopped'

export class MembershipCore {
  /** This node's member id. */
  readonly self: string
  readonly config: MembershipConfig
  private readonly clock: Clock
  private readonly random: RandomSource
  private readonly sendMessage: (to: string, message: SwimMessage) => void
  private readonly awareness: Awareness
  private readonly dissemination: Dissemination
  private readonly order: ProbeOrder
  private readonly quorum: QuorumMonitor
  private readonly state: MembershipState
  private readonly detector: FailureDetector
  private readonly listeners = new Set<MembershipEventListener>()
  private readonly timers = new Map<string, TimerHandle>()
  private readonly restoredMembers: AliveUpdate[]
  private lifecycle: Lifecycle = 'idle'
  /** When each peer last got a push-pull reply (see `mayReplyTo`). */
  private readonly lastReplies = new Map<string, number>()

  constructor (init: MembershipCoreInit) {
    this.self = init.self
    this.config = resolveMembershipConfig(init.config)
    this.clock = init.clock
    this.random = init.random
    this.sendMessage = init.send
    const addresses = init.addresses ?? []
    const metadata = init.metadata ?? { roles: [], tags: {} }
    if (!isValidAddresses(addresses)) throw new InvalidConfigError('membership addresses must be at most 16 strings of at most 1024 characters')
    if (!isValidMetadata(metadata)) throw new InvalidConfigError('membership metadata must have roles (string[]), tags (Record<string, string>) and an optional region, within the claim limits')
    const restored = init.initial?.incarnation
    const incarnation = typeof restored === 'number' && Number.isSafeInteger(restored) && restored >= 0 ? restored + 1 : 0
    this.restoredMembers = (init.initial?.members ?? []).filter(member => isValidUpdate(member) && member.type === 'alive' && member.member !== this.self)
    this.awareness = new Awareness(this.config.awarenessMax)
    this.order = new ProbeOrder(this.random)
    this.quorum = new QuorumMonitor(this.config.quorumFraction)
    this.state = new MembershipState({
      self: this.self,
      clock: this.clock,
      config: this.config,
      signer: init.signer,
      incarnation,
      addresses,
      metadata,
      hooks: {
        broadcast: update => { this.dissemination.enqueue(update) },
        emit: event => { this.emit(event) },
        added: id => { this.order.add(id) },
        removed: id => { this.order.remove(id); this.dissemination.forget(id) },
        changed: () => { this.checkQuorum() },
        refuted: () => { this.awareness.apply(1) },
        answer: update => { this.dissemination.answer(update) }
      }
    })
    this.dissemination = new Dissemination({
      self: this.self,
      config: this.config,
      random: this.random,
      table: this.state.table,
      send: (to, message) => { this.sendMessage(to, message) },
      leaveClaim: () => this.state.leaveClaim
    })
    this.detector = new FailureDetector({
      self: this.self,
      clock: this.clock,
      random: this.random,
      config: this.config,
      awareness: this.awareness,
      send: (to, message) => { this.sendMessage(to, message) },
      piggyback: to => this.dissemination.piggyback(to),
      helpers: target => this.membersWhere(record => record.state === 'alive' && record.id !== target),
      onProbeFailed: (target, incarnation) => { this.state.suspectAfterFailedProbe(target, incarnation) }
    })
  }

  // ---- lifecycle ----

  /**
   * Start the timers. The first start of a restored node adds its persisted members and
   * push-pulls with a few of them. Does nothing when running; a node that left stays left.
   */
  start (): void {
    if (this.lifecycle === 'running' || this.lifecycle === 'leaving' || this.lifecycle === 'left') return
    const first = this.lifecycle === 'idle'
    this.lifecycle = 'running'
    if (first) {
      for (const member of this.restoredMembers) this.state.applyAlive(member, true)
      const contacts = sampleUpTo(this.random, this.restoredMembers.map(member => member.member), REJOIN_FANOUT)
      for (const id of contacts) this.pushPull(id, true)
    } else {
      this.state.resume()
    }
    // Random first delays keep the nodes of a cluster started together out of lockstep.
    this.schedule('probe', this.stagger(this.config.probeIntervalMs), () => { this.probeTick() })
    this.schedule('gossip', this.stagger(this.config.gossipIntervalMs), () => { this.gossipTick() })
    if (this.config.pushPullIntervalMs > 0) this.schedule('push-pull', this.stagger(this.config.pushPullIntervalMs), () => { this.pushPullTick() })
    if (this.config.reconnectIntervalMs > 0) this.schedule('reconnect', this.stagger(this.config.reconnectIntervalMs), () => { this.reconnectTick() })
  }

  /** Cancel every timer. `receive` ignores messages until `start` is called again. */
  stop (): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer)
    this.timers.clear()
    this.detector.stop()
    this.state.stop()
    if (this.lifecycle !== 'left') this.lifecycle = 'stopped'
  }

  /**
   * Contact `seeds` with a push-pull (join = true, reply = true): each learns our alive claim
   * and answers with its whole state. Fire and forget; call again if no member shows up.
   * Returns how many seeds were contacted. Throws `NotStartedError` unless running.
   */
  join (seeds: readonly string[]): number {
    if (this.lifecycle !== 'running') throw new NotStartedError('membership core: start() it before join()')
    const contacts = [...new Set(seeds)].filter(seed => seed !== this.self).slice(0, MAX_JOIN_SEEDS)
    for (const seed of contacts) this.pushPull(seed, true)
    return contacts.length
  }

  /**
   * Leave gracefully: disseminate dead(self, from = self), keep gossiping and answering for
   * `leavePropagateMs`, then stop (event `leave:complete`). Others mark this node 'left'.
   */
  leave (): void {
    if (this.lifecycle !== 'running') return
    this.lifecycle = 'leaving'
    this.state.leave()
    this.schedule('leave', this.config.leavePropagateMs, () => {
      this.stop()
      this.lifecycle = 'left'
      this.emit({ type: 'leave:complete' })
    })
  }

  /**
   * Handle a message from member `from`, already authenticated by the host (every claim's
   * signature checked, `from` the true sender). Ignored unless running or leaving. A push-pull's
   * `join` flag changes nothing here: a joiner's claims take the same path as anyone's.
   */
  receive (from: string, message: SwimMessage): void {
    if (this.lifecycle !== 'running' && this.lifecycle !== 'leaving') return
    if (typeof from !== 'string' || from === this.self || !isSwimEnvelope(message)) return
    this.dissemination.beginMessage()
    if (message.type === 'push-pull') {
      this.state.mergeState(validUpdates(message.members, 2 * this.config.maxMembers + 2))
      // The reply carries our whole state, answers included. A full state for a ten-byte
      // request is an amplifier: one reply per peer per probe interval at most.
      if (message.reply && this.mayReplyTo(from)) this.pushPull(from, false, false)
      else this.dissemination.sendAnswers(from)
      return
    }
    const maxUpdates = Math.max(64, 4 * this.config.maxPiggyback)
    for (const update of validUpdates(message.updates, maxUpdates)) this.state.apply(update)
    this.dissemination.sendAnswers(from)
    switch (message.type) {
      case 'ping': this.detector.handlePing(from, message); break
      case 'ping-req': this.detector.handlePingReq(from, message); break
      case 'ack': this.detector.handleAck(from, message); break
      case 'nack': this.detector.handleNack(from, message); break
      case 'gossip': break
    }
  }

  // ---- local changes ----

  /** Publish new metadata: a new alive claim at the next incarnation (others see `member:update`). */
  setMetadata (metadata: MemberMetadata): void {
    if (!isValidMetadata(metadata)) throw new InvalidConfigError('membership metadata must have roles (string[]), tags (Record<string, string>) and an optional region, within the claim limits')
    this.state.updateSelf({ metadata })
  }

  /** Publish new addresses: a new alive claim at the next incarnation. */
  setAddresses (addresses: readonly string[]): void {
    if (!isValidAddresses(addresses)) throw new InvalidConfigError('membership addresses must be at most 16 strings of at most 1024 characters')
    this.state.updateSelf({ addresses: [...addresses] })
  }

  // ---- views ----

  /** Every member in the table, this node included, tombstones included. */
  members (): MemberInfo[] {
    return [...this.state.table.values()].map(toMemberInfo)
  }

  member (id: string): MemberInfo | undefined {
    const record = this.state.table.get(id)
    return record === undefined ? undefined : toMemberInfo(record)
  }

  /** Ids of the alive and suspect members other than this node. */
  liveMembers (): string[] {
    return this.membersWhere(record => isReachable(record.state))
  }

  /** The Lifeguard health score: 0 is healthy, up to `awarenessMax − 1`. */
  localHealth (): number {
    return this.awareness.score
  }

  status (): MembershipStatus {
    return this.quorum.status
  }

  /** This node's current incarnation. */
  incarnation (): number {
    return this.state.incarnation
  }

  /** What the host should persist to restart with (`initial`). */
  snapshot (): MembershipSnapshot {
    const members: AliveUpdate[] = []
    for (const record of this.state.table.values()) {
      if (record.id !== this.self && record.state !== 'left') members.push(record.alive)
    }
    return { incarnation: this.state.incarnation, members }
  }

  /**
   * A hint from the host that `member` may have failed (its connection dropped): probe it next,
   * out of turn. Only the order changes — the probe, suspicion and refutation are as usual — so
   * a wrong hint costs one probe, and a paused member is not judged any sooner than by SWIM.
   */
  expediteProbe (member: string): void {
    const state = this.state.table.get(member)?.state
    if (member !== this.self && state !== undefined && isReachable(state)) this.order.expedite(member)
  }

  /** Whether the core runs (started, and neither leaving, left nor stopped): `join` needs it. */
  isRunning (): boolean {
    return this.lifecycle === 'running'
  }

  /** Subscribe to events; returns the function that unsubscribes. */
  onEvent (listener: MembershipEventListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  // ---- timers ----

  private probeTick (): void {
    const target = this.order.next(id => {
      const state = this.state.table.get(id)?.state
      return state !== undefined && isReachable(state)
    })
    const record = target === undefined ? undefined : this.state.table.get(target)
    const intervalMs = record === undefined
      ? this.awareness.scale(this.config.probeIntervalMs)
      : this.detector.probe(record.id, record.incarnation)
    this.schedule('probe', intervalMs, () => { this.probeTick() })
  }

  private gossipTick (): void {
    this.schedule('gossip', this.config.gossipIntervalMs, () => { this.gossipTick() })
    this.dissemination.gossip(this.clock.now())
  }

  /** Anti-entropy with one random alive member, in case gossip missed something. */
  private pushPullTick (): void {
    this.schedule('push-pull', pushPullIntervalFor(this.config, this.state.table.reachableCount), () => { this.pushPullTick() })
    const peer = pickOne(this.random, this.membersWhere(record => record.state === 'alive'))
    if (peer !== undefined) this.pushPull(peer, false)
  }

  /**
   * Serf's reconnect: a push-pull with one random failed member. If it is in fact alive (say,
   * across a healed partition), it hears it was declared dead and refutes, we learn its side's
   * state, and the two sides merge; nothing else would make them talk again.
   */
  private reconnectTick (): void {
    this.schedule('reconnect', this.config.reconnectIntervalMs, () => { this.reconnectTick() })
    const peer = pickOne(this.random, this.membersWhere(record => record.state === 'dead'))
    if (peer !== undefined) this.pushPull(peer, false)
  }

  /** A random first delay in [0, periodMs), in whole milliseconds. */
  private stagger (periodMs: number): number {
    return Math.floor(this.random.next() * periodMs)
  }

  private schedule (name: string, ms: number, run: () => void): void {
    const previous = this.timers.get(name)
    if (previous !== undefined) this.clock.clearTimeout(previous)
    this.timers.set(name, this.clock.setTimeout(() => {
      this.timers.delete(name)
      run()
    }, ms))
  }

  // ---- helpers ----

  /** Whether `peer` may have a push-pull reply now; remembers at most `maxMembers` peers. */
  private mayReplyTo (peer: string): boolean {
    const now = this.clock.now()
    const last = this.lastReplies.get(peer)
    if (last !== undefined && now - last < this.config.probeIntervalMs) return false
    this.lastReplies.delete(peer)
    this.lastReplies.set(peer, now)
    if (this.lastReplies.size > this.config.maxMembers) this.lastReplies.delete(this.lastReplies.keys().next().value as string)
    return true
  }

  private pushPull (to: string, join: boolean, reply = true): void {
    this.sendMessage(to, { type: 'push-pull', join, reply, members: this.state.stateClaims() })
  }

  private membersWhere (keep: (record: { id: string, state: MemberInfo['state'], stateChangedAt: number }) => boolean): string[] {
    const ids: string[] = []
    for (const record of this.state.table.values()) {
      if (record.id !== this.self && keep(record)) ids.push(record.id)
    }
    return ids
  }

  private checkQuorum (): void {
    const table = this.state.table
    const reachable = table.reachableCount
    const counts = this.quorum.counts(reachable, reachable + table.count('dead'))
    const changed = this.quorum.evaluate(counts)
    if (changed === 'PARTITIONED') this.emit({ type: 'partitioned', counts })
    if (changed === 'HEALTHY') this.emit({ type: 'recovered', counts })
  }

  private emit (event: MembershipEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A listener's failure must not break the protocol; listeners handle their own errors.
      }
    }
  }
}
