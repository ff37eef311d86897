import { SeededRandom, SimulatedNetwork, VirtualClock, type LinkConditions } from '@meshwork/core-mesh/testkit'
import type { PlumtreeConfig } from '../../src/plumtree/config.js'
import type { PlumtreeMessage } from '../../src/plumtree/messages.js'
import { PlumtreeCore } from '../../src/plumtree/plumtree-core.js'

/** How long, after a change, until each other node's membership view reflects it. */
export interface ViewDelays {
  /** A crashed node is noticed (SWIM's failure detection and dissemination). */
  failure: { minMs: number, maxMs: number }
  /** A joined or restarted node is noticed. */
  join: { minMs: number, maxMs: number }
}

export interface PlumtreeSimInit {
  seed: number
  config?: Partial<PlumtreeConfig>
  link?: Partial<LinkConditions>
  view?: ViewDelays
}

/** One run of one node: a restart makes a new incarnation with a fresh core. */
interface Incarnation {
  core: PlumtreeCore
  upAt: number
  downAt: number | undefined
  /** Deliveries per message id. */
  delivered: Map<string, number>
}

export interface SentMessage {
  id: string
  origin: string
  sentAt: number
}

const DEFAULT_VIEW: ViewDelays = { failure: { minMs: 500, maxMs: 2_000 }, join: { minMs: 100, maxMs: 1_000 } }

/**
 * Plumtree cores on a seeded {@link SimulatedNetwork}, with a membership oracle standing in for
 * SWIM: every node's view learns of a crash or a join after its own random delay, in order per
 * pair of nodes. It records every delivery per incarnation and every payload copy received.
 */
export class PlumtreeSim {
  readonly clock = new VirtualClock()
  readonly random: SeededRandom
  readonly net: SimulatedNetwork<PlumtreeMessage>
  readonly sent: SentMessage[] = []
  private readonly runs = new Map<string, Incarnation[]>()
  /** Payload copies received, per message id, per node. */
  readonly copies = new Map<string, Map<string, number>>()
  /** Hops travelled by each delivered copy, per message id. */
  readonly hops = new Map<string, number[]>()
  private readonly view: ViewDelays
  /** Per observer and subject, the time of the last view event scheduled, to keep them in order. */
  private readonly lastViewEvent = new Map<string, number>()
  private nextMessage = 0

  constructor (private readonly init: PlumtreeSimInit) {
    this.random = new SeededRandom(init.seed)
    this.net = new SimulatedNetwork<PlumtreeMessage>({ clock: this.clock, random: this.random.fork('net'), delay: { minMs: 1, maxMs: 20 }, ...init.link })
    this.view = init.view ?? DEFAULT_VIEW
  }

  /** Node ids ever added, in order. */
  get ids (): string[] {
    return [...this.runs.keys()]
  }

  isUp (id: string): boolean {
    return this.current(id)?.downAt === undefined && this.runs.has(id)
  }

  upNodes (): string[] {
    return this.ids.filter(id => this.isUp(id))
  }

  core (id: string): PlumtreeCore {
    const run = this.current(id)
    if (run === undefined || run.downAt !== undefined) throw new Error(`node ${id} is not up`)
    return run.core
  }

  /** Add and start a node (or restart a crashed one): its view starts as every node that is up. */
  start (id: string): void {
    const known = this.runs.get(id)
    const members = this.upNodes()
    const run: Incarnation = { core: undefined as unknown as PlumtreeCore, upAt: this.clock.now(), downAt: undefined, delivered: new Map() }
    const core = run.core = this.makeCore(id, run)
    const handler = (from: string, message: PlumtreeMessage): void => { this.receive(id, run, from, message) }
    if (known === undefined) {
      this.runs.set(id, [run])
      this.net.addNode(id, handler)
    } else {
      known.push(run)
      this.net.restart(id, handler)
    }
    core.membersChanged({ joined: members })
    for (const observer of members) this.scheduleViewEvent(observer, id, 'join')
  }

  crash (id: string): void {
    const run = this.current(id)
    if (run === undefined || run.downAt !== undefined) throw new Error(`node ${id} is not up`)
    run.downAt = this.clock.now()
    run.core.stop()
    this.net.crash(id)
    for (const observer of this.upNodes()) this.scheduleViewEvent(observer, id, 'failure')
  }

  broadcast (origin: string): string {
    const id = `m${++this.nextMessage}`
    this.core(origin).broadcast(id, new TextEncoder().encode(id))
    this.sent.push({ id, origin, sentAt: this.clock.now() })
    return id
  }

  /** Run `action` at virtual time `at` (from a timer, so it interleaves with the traffic). */
  at (at: number, action: () => void): void {
    this.clock.setTimeout(action, at - this.clock.now())
  }

  /** Every incarnation of `id`, oldest first. */
  incarnations (id: string): ReadonlyArray<Readonly<Incarnation>> {
    return this.runs.get(id) ?? []
  }

  /** Mean payload copies received per receiving node, over the given messages. */
  meanCopies (messages: readonly SentMessage[]): number {
    let copies = 0
    let receivers = 0
    for (const message of messages) {
      for (const count of this.copies.get(message.id)?.values() ?? []) {
        copies += count
        receivers++
      }
    }
    return receivers === 0 ? 0 : copies / receivers
  }

  /**
   * What went wrong, as readable lines (empty when all is well):
   * - at most one delivery per message per incarnation, and never to the message's origin;
   * - message `m` is delivered to every node whose last incarnation is up at the end and came up
   *   at least `settleMs` before `m` was sent, provided `m`'s origin stayed up `originGraceMs`
   *   after sending it (long enough to hand it on and answer grafts).
   */
  violations ({ settleMs, originGraceMs }: { settleMs: number, originGraceMs: number }): string[] {
    const problems: string[] = []
    for (const [id, runs] of this.runs) {
      for (const run of runs) {
        for (const [messageId, count] of run.delivered) {
          if (count > 1) problems.push(`${id} delivered ${messageId} ${count} times in one run`)
        }
      }
    }
    for (const message of this.sent) {
      const originRun = this.runAt(message.origin, message.sentAt)
      if (originRun?.delivered.has(message.id) === true) problems.push(`${message.origin} delivered its own ${message.id}`)
      if (originRun?.downAt !== undefined && originRun.downAt < message.sentAt + originGraceMs) continue
      for (const [id, runs] of this.runs) {
        const last = runs[runs.length - 1]
        if (id === message.origin || last.downAt !== undefined || last.upAt > message.sentAt - settleMs) continue
        if (last.delivered.get(message.id) !== 1) problems.push(`${id} (up since ${last.upAt}) missed ${message.id} sent by ${message.origin} at ${message.sentAt}`)
      }
    }
    return problems
  }

  private makeCore (id: string, run: Incarnation): PlumtreeCore {
    const incarnation = this.runs.get(id)?.length ?? 0
    return new PlumtreeCore({
      self: id,
      clock: this.clock,
      random: this.random.fork(`${id}#${incarnation}`),
      config: this.init.config,
      send: (to, message) => { this.net.send(id, to, message) },
      deliver: (message) => {
        run.delivered.set(message.id, (run.delivered.get(message.id) ?? 0) + 1)
        const hops = this.hops.get(message.id)
        if (hops === undefined) this.hops.set(message.id, [message.hops])
        else hops.push(message.hops)
      }
    })
  }

  private receive (id: string, run: Incarnation, from: string, message: PlumtreeMessage): void {
    if (run.downAt !== undefined) return
    if (message.type === 'gossip') {
      let perNode = this.copies.get(message.id)
      if (perNode === undefined) this.copies.set(message.id, perNode = new Map())
      perNode.set(id, (perNode.get(id) ?? 0) + 1)
    }
    run.core.receive(from, message)
  }

  private scheduleViewEvent (observer: string, subject: string, kind: 'join' | 'failure'): void {
    if (observer === subject) return
    const { minMs, maxMs } = this.view[kind]
    const key = `${observer}>${subject}`
    const at = Math.max(this.clock.now() + this.random.range(minMs, maxMs), (this.lastViewEvent.get(key) ?? -Infinity) + 1)
    this.lastViewEvent.set(key, at)
    this.clock.setTimeout(() => {
      const run = this.current(observer)
      if (run === undefined || run.downAt !== undefined) return
      run.core.membersChanged(kind === 'join' ? { joined: [subject] } : { left: [subject] })
    }, at - this.clock.now())
  }

  private current (id: string): Incarnation | undefined {
    const runs = this.runs.get(id)
    return runs?.[runs.length - 1]
  }

  private runAt (id: string, time: number): Incarnation | undefined {
    return this.runs.get(id)?.find(run => run.upAt <= time && (run.downAt === undefined || run.downAt >= time))
  }
}
