/**
 * A cluster of MembershipCores on one SimulatedNetwork and one VirtualClock, for deterministic
 * SWIM scenarios. Each node gets its own random fork, so a change in what one node draws does
 * not reshuffle the others. Pausing a node (SIGSTOP) holds its incoming messages (the network)
 * and its timers (a PausableClock); crashing stops its core and drops its traffic.
 */
import type { Clock, TimerHandle } from '@meshwork/core-mesh'
import { SeededRandom, SimulatedNetwork, VirtualClock, type LinkConditions } from '@meshwork/core-mesh/testkit'
import { MembershipCore, type MembershipSnapshot } from '../../src/membership/core/membership-core.js'
import type { MembershipConfig } from '../../src/membership/core/config.js'
import type { MemberInfo, MemberState, MembershipEvent } from '../../src/membership/core/events.js'
import type { SwimMessage, UpdateSigner } from '../../src/membership/core/messages.js'

/** Signatures are the adapter's business; the simulation signs nothing. */
export const testSigner: UpdateSigner = { sign: () => new Uint8Array(0) }

/** Timers that stop firing while the node is paused and fire late, in order, on resume. */
export class PausableClock implements Clock {
  private paused = false
  private deferred: Array<{ fn: () => void, cancelled: boolean }> = []

  constructor (private readonly inner: Clock) {}

  now (): number { return this.inner.now() }

  setTimeout (fn: () => void, ms: number): TimerHandle {
    const entry = { fn, cancelled: false, inner: undefined as TimerHandle }
    entry.inner = this.inner.setTimeout(() => {
      if (entry.cancelled) return
      if (this.paused) this.deferred.push(entry)
      else fn()
    }, ms)
    return entry
  }

  clearTimeout (handle: TimerHandle): void {
    const entry = handle as { cancelled: boolean, inner: TimerHandle } | undefined
    if (entry === undefined || entry === null) return
    entry.cancelled = true
    this.inner.clearTimeout(entry.inner)
  }

  pause (): void { this.paused = true }

  resume (): void {
    this.paused = false
    const due = this.deferred
    this.deferred = []
    for (const entry of due) if (!entry.cancelled) entry.fn()
  }
}

export interface TimedEvent { at: number, node: string, event: MembershipEvent }

export interface ClusterInit {
  seed: number
  size: number
  config?: Partial<MembershipConfig>
  link?: Partial<LinkConditions>
}

export class MembershipCluster {
  readonly clock = new VirtualClock()
  readonly random: SeededRandom
  readonly net: SimulatedNetwork<SwimMessage>
  readonly ids: string[]
  readonly cores = new Map<string, MembershipCore>()
  readonly clocks = new Map<string, PausableClock>()
  /** Every event of every node, in order. */
  readonly events: TimedEvent[] = []
  /** Called for every message a core sends, before the network sees it. */
  onSend: ((at: number, from: string, to: string, message: SwimMessage) => void) | undefined
  private readonly config: Partial<MembershipConfig>
  private restarts = 0

  constructor (init: ClusterInit) {
    this.random = new SeededRandom(init.seed)
    this.config = init.config ?? {}
    this.net = new SimulatedNetwork<SwimMessage>({ clock: this.clock, random: this.random.fork('net'), delay: { minMs: 1, maxMs: 10 }, ...init.link })
    this.ids = Array.from({ length: init.size }, (_, i) => `n${String(i).padStart(2, '0')}`)
    for (const id of this.ids) {
      const core = this.makeCore(id)
      this.net.addNode(id, (from, message) => { this.cores.get(id)?.receive(from, message) })
      this.cores.set(id, core)
    }
  }

  core (id: string): MembershipCore {
    const core = this.cores.get(id)
    if (core === undefined) throw new Error(`no node ${id}`)
    return core
  }

  /** Start every node, join them all through the first, and run until every node sees all alive. */
  bootstrap (withinMs = 30_000): void {
    for (const core of this.cores.values()) core.start()
    const everyoneAlive = (): boolean => this.allSee(this.ids, id => this.ids.includes(id) ? 'alive' : undefined)
    const start = this.clock.now()
    // Join is fire and forget: like a host, retry while a node still knows nobody.
    while (!everyoneAlive()) {
      if (this.clock.now() - start >= withinMs) throw new Error(`bootstrap: not every node sees every node alive within ${withinMs} ms\n${this.describe()}`)
      for (const id of this.ids.slice(1)) if (this.core(id).liveMembers().length === 0) this.core(id).join([this.ids[0]])
      this.runUntil(everyoneAlive, 2_000, 'bootstrap', 50, false)
    }
  }

  /** Run the clock `ms` forward. */
  run (ms: number): void {
    this.clock.advance(ms)
  }

  /**
   * Advance in `stepMs` steps until `predicate` holds; return the time it took. Throws after
   * `withinMs`, naming `what`.
   */
  runUntil (predicate: () => boolean, withinMs: number, what: string, stepMs = 50, throwOnTimeout = true): number {
    const start = this.clock.now()
    while (!predicate()) {
      if (this.clock.now() - start >= withinMs) {
        if (!throwOnTimeout) break
        throw new Error(`not within ${withinMs} ms (t=${this.clock.now()}): ${what}`)
      }
      this.clock.advance(stepMs)
    }
    return this.clock.now() - start
  }

  /** The state `observer` holds for `member` (undefined if it does not know it). */
  stateOf (observer: string, member: string): MemberState | undefined {
    return this.core(observer).member(member)?.state
  }

  /** Whether every one of `observers` holds every member in the state `expected` gives (undefined: unknown). */
  allSee (observers: readonly string[], expected: (member: string) => MemberState | undefined): boolean {
    return observers.every(observer => this.ids.every(member => this.stateOf(observer, member) === expected(member)))
  }

  /** The nodes that are up (not crashed), in id order. */
  upNodes (): string[] {
    return this.ids.filter(id => this.net.status(id) !== 'crashed')
  }

  crash (id: string): void {
    this.core(id).stop()
    this.net.crash(id)
  }

  /** Restart a crashed node with a fresh core restored from `snapshot`. */
  restart (id: string, snapshot: MembershipSnapshot): MembershipCore {
    const core = this.makeCore(id, snapshot, `restart-${++this.restarts}`)
    this.cores.set(id, core)
    this.net.restart(id)
    core.start()
    return core
  }

  pause (id: string): void {
    this.net.pause(id)
    this.clocks.get(id)?.pause()
  }

  resume (id: string): void {
    this.net.resume(id)
    this.clocks.get(id)?.resume()
  }

  stopAll (): void {
    for (const core of this.cores.values()) core.stop()
  }

  eventsOf (type: MembershipEvent['type'], node?: string): TimedEvent[] {
    return this.events.filter(e => e.event.type === type && (node === undefined || e.node === node))
  }

  /** Events of `type` about `member` seen by any node. */
  eventsAbout (type: MembershipEvent['type'], member: string): TimedEvent[] {
    return this.events.filter(e => e.event.type === type && 'member' in e.event && e.event.member.id === member)
  }

  /** A compact view for failure messages: `observer: member=state@incarnation …`. */
  describe (observers: readonly string[] = this.upNodes()): string {
    return observers.map(observer => `${observer}: ` + this.core(observer).members()
      .map((m: MemberInfo) => `${m.id}=${m.state}@${m.incarnation}`).join(' ')).join('\n')
  }

  private makeCore (id: string, initial?: MembershipSnapshot, life = 'first'): MembershipCore {
    const clock = new PausableClock(this.clock)
    this.clocks.set(id, clock)
    const core = new MembershipCore({
      self: id,
      clock,
      random: this.random.fork(`${id}/${life}`),
      send: (to, message) => {
        deepFreeze(message) // the network shares it by reference: a core that mutates it throws
        this.onSend?.(this.clock.now(), id, to, message)
        this.net.send(id, to, message)
      },
      signer: testSigner,
      addresses: [`/memory/${id}`],
      metadata: { roles: [], tags: {} },
      config: this.config,
      ...(initial === undefined ? {} : { initial })
    })
    core.onEvent(event => { this.events.push({ at: this.clock.now(), node: id, event }) })
    return core
  }
}

function deepFreeze (value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return
  Object.freeze(value)
  for (const child of Object.values(value)) deepFreeze(child)
}
