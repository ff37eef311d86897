import type { Clock, TimerHandle } from '../interfaces/clock.js'
import type { SeededRandom } from './seeded-random.js'

/** One-way delay, drawn uniformly from whole milliseconds in [minMs, maxMs]. */
export interface DelayRange {
  minMs: number
  maxMs: number
}

/** How a link treats each message. Probabilities are in [0, 1]. */
export interface LinkConditions {
  delay: DelayRange
  /** Probability that a message is lost. */
  loss: number
  /** Probability that a message that is not lost arrives twice; the copy has its own delay. */
  duplicate: number
  /**
   * Probability that a message is held back an extra 1 to max(1, delay.maxMs) ms, so that later
   * messages overtake it even on a link without jitter. (With jitter, reordering happens anyway.)
   */
  reorder: number
}

export const DEFAULT_LINK_CONDITIONS: Readonly<LinkConditions> = Object.freeze({
  delay: Object.freeze({ minMs: 1, maxMs: 1 }),
  loss: 0,
  duplicate: 0,
  reorder: 0
})

export type DropReason = 'loss' | 'partition' | 'crash'

export type NodeStatus = 'up' | 'paused' | 'crashed'

/**
 * What happened to one copy of a message. `id` numbers `send` calls from 1, so both copies of
 * a duplicated message carry the same id.
 */
export type NetworkEvent<Message> =
  | { type: 'deliver', at: number, sentAt: number, id: number, from: string, to: string, message: Message }
  | { type: 'drop', at: number, sentAt: number, id: number, from: string, to: string, message: Message, reason: DropReason }

/** Counts since the network was made. Always: sent + duplicated = delivered + all dropped + inFlight + queued. */
export interface NetworkStats {
  /** `send` calls. */
  sent: number
  /** Extra copies made by duplication. */
  duplicated: number
  /** Handler calls. */
  delivered: number
  dropped: Record<DropReason, number>
  /** Copies on their way. */
  inFlight: number
  /** Copies that reached a paused node and wait for `resume`. */
  queued: number
}

/**
 * Called with each message for the node. It runs from a clock callback (or from `resume`),
 * may call `send`, and must not mutate `message`: it is the sender's object, shared by every
 * receiver of it, unless the network was given a `clone` function.
 */
export type MessageHandler<Message> = (from: string, message: Message) => void

export interface SimulatedNetworkInit<Message> extends Partial<LinkConditions> {
  /** Deliveries are timers on this clock, normally a {@link VirtualClock}. */
  clock: Clock
  /** Every loss, delay and duplication is drawn from this; a fork of the run's random source. */
  random: SeededRandom
  /** Copies each message at send (once per copy), e.g. `structuredClone`; default: by reference. */
  clone?: (message: Message) => Message
  /** Called for every delivery and every drop, before the handler runs; print it to debug a run. */
  trace?: (event: NetworkEvent<Message>) => void
}

interface SimulatedNode<Message> {
  handler: MessageHandler<Message>
  status: NodeStatus
  /** Copies that arrived while the node was paused, in arrival order. */
  queue: Array<Envelope<Message>>
}

/** One copy of a message, from `send` until it is delivered or dropped. */
interface Envelope<Message> {
  readonly key: number
  readonly id: number
  readonly from: string
  readonly to: string
  readonly message: Message
  readonly sentAt: number
  timer: TimerHandle
  queued: boolean
}

interface Cut {
  readonly from: ReadonlySet<string>
  readonly to: ReadonlySet<string>
}

/**
 * A seeded network of nodes named by strings, for driving I/O-free protocol cores. Every
 * message is a timer on the injected clock, and every chance (loss, delay, duplication,
 * reordering) is drawn from the injected random source, so one seed gives one run.
 *
 * Faults:
 * - `partition` / `partitionOneWay` cut links until `heal`; messages sent on a cut link, and
 *   those already in flight on it when they would arrive, are dropped.
 * - `crash` drops everything to and from the node, in flight or queued, until `restart`; a
 *   crashed node neither sends nor receives.
 * - `pause` holds (like SIGSTOP) the messages that arrive for the node until `resume`, which
 *   delivers them in arrival order. The network does not stop the node's own timers or sends;
 *   a test that pauses a node should stop driving its core.
 *
 * Messages are delivered by reference, the same object to every receiver and every copy:
 * protocol cores must not mutate a message they send or receive. Pass `clone` (for example
 * `structuredClone`) to deliver copies instead, and so catch a core that does.
 *
 * Misuse (unknown node ids, a restart of a node that is up) throws an `Error` that says so.
 */
export class SimulatedNetwork<Message = unknown> {
  private readonly clock: Clock
  private readonly random: SeededRandom
  private readonly clone: ((message: Message) => Message) | undefined
  private readonly trace: ((event: NetworkEvent<Message>) => void) | undefined
  private defaults: LinkConditions
  private readonly links = new Map<string, Map<string, Partial<LinkConditions>>>()
  private readonly nodes = new Map<string, SimulatedNode<Message>>()
  /** Copies in flight or queued, in the order they were sent. */
  private readonly pending = new Map<number, Envelope<Message>>()
  private cuts: Cut[] = []
  private lastId = 0
  private lastKey = 0
  private readonly counts = { sent: 0, duplicated: 0, delivered: 0, dropped: { loss: 0, partition: 0, crash: 0 } }

  constructor (init: SimulatedNetworkInit<Message>) {
    this.clock = init.clock
    this.random = init.random
    this.clone = init.clone
    this.trace = init.trace
    this.defaults = withConditions(DEFAULT_LINK_CONDITIONS, init)
  }

  /** Change the conditions of every link that has no override for them. */
  setConditions (conditions: Partial<LinkConditions>): void {
    this.defaults = withConditions(this.defaults, conditions)
  }

  /** Override conditions on the one-way link `from` → `to`; `undefined` removes the override. */
  setLinkConditions (from: string, to: string, conditions: Partial<LinkConditions> | undefined): void {
    this.node(from)
    this.node(to)
    const overrides = this.links.get(from) ?? new Map<string, Partial<LinkConditions>>()
    this.links.set(from, overrides)
    if (conditions === undefined) {
      overrides.delete(to)
    } else {
      withConditions(this.defaults, conditions) // throws on an invalid value
      overrides.set(to, { ...overrides.get(to), ...pickConditions(conditions) })
    }
  }

  /** The conditions that apply to the next message from `from` to `to` (a copy). */
  conditionsFor (from: string, to: string): LinkConditions {
    const conditions = this.linkConditions(from, to)
    return { ...conditions, delay: { ...conditions.delay } }
  }

  addNode (id: string, handler: MessageHandler<Message>): void {
    if (this.nodes.has(id)) throw new Error(`node "${id}" was already added`)
    this.nodes.set(id, { handler, status: 'up', queue: [] })
  }

  /** Node ids in the order they were added. */
  get nodeIds (): string[] {
    return [...this.nodes.keys()]
  }

  status (id: string): NodeStatus {
    return this.node(id).status
  }

  send (from: string, to: string, message: Message): void {
    const sender = this.node(from)
    const receiver = this.node(to)
    const id = ++this.lastId
    this.counts.sent++
    const now = this.clock.now()
    const dropped = (reason: DropReason): void => {
      this.record({ type: 'drop', at: now, sentAt: now, id, from, to, message, reason })
    }
    if (sender.status === 'crashed' || receiver.status === 'crashed') return dropped('crash')
    if (this.isCut(from, to)) return dropped('partition')
    const conditions = this.linkConditions(from, to)
    if (conditions.loss > 0 && this.random.chance(conditions.loss)) return dropped('loss')
    this.dispatch(id, from, to, message, conditions)
    if (conditions.duplicate > 0 && this.random.chance(conditions.duplicate)) {
      this.counts.duplicated++
      this.dispatch(id, from, to, message, conditions)
    }
  }

  /** Cut every link between the two groups, both ways. */
  partition (groupA: readonly string[], groupB: readonly string[]): void {
    this.partitionOneWay(groupA, groupB)
    this.partitionOneWay(groupB, groupA)
  }

  /** Cut every link from a node in `from` to a node in `to`; the other direction still works. */
  partitionOneWay (from: readonly string[], to: readonly string[]): void {
    for (const id of [...from, ...to]) this.node(id)
    this.cuts.push({ from: new Set(from), to: new Set(to) })
  }

  /** Remove every partition. Messages already dropped stay dropped. */
  heal (): void {
    this.cuts = []
  }

  /** Stop the node: drop every message to or from it, in flight or queued. */
  crash (id: string): void {
    const node = this.node(id)
    if (node.status === 'crashed') throw new Error(`node "${id}" is already crashed`)
    node.status = 'crashed'
    node.queue = []
    for (const envelope of this.pending.values()) {
      if (envelope.from !== id && envelope.to !== id) continue
      if (!envelope.queued) this.clock.clearTimeout(envelope.timer)
      this.dropPending(envelope, 'crash')
    }
  }

  /** Bring a crashed node back, with a new handler (a fresh core) if given. */
  restart (id: string, handler?: MessageHandler<Message>): void {
    const node = this.node(id)
    if (node.status !== 'crashed') throw new Error(`node "${id}" cannot restart: it is ${node.status}, not crashed`)
    node.status = 'up'
    if (handler !== undefined) node.handler = handler
  }

  /** Hold the messages that arrive for the node until `resume`. */
  pause (id: string): void {
    const node = this.node(id)
    if (node.status !== 'up') throw new Error(`node "${id}" cannot pause: it is ${node.status}`)
    node.status = 'paused'
  }

  /**
   * Let the node run again, delivering now, in arrival order, what arrived while it was paused.
   * Delivery stops if a handler pauses or crashes the node again.
   */
  resume (id: string): void {
    const node = this.node(id)
    if (node.status !== 'paused') throw new Error(`node "${id}" cannot resume: it is ${node.status}, not paused`)
    node.status = 'up'
    for (let envelope = node.queue.shift(); envelope !== undefined; envelope = node.queue.shift()) {
      if (!this.pending.has(envelope.key)) continue // its sender crashed meanwhile
      this.deliver(envelope)
      if (node.status !== 'up') return
    }
  }

  get stats (): NetworkStats {
    let queued = 0
    for (const envelope of this.pending.values()) if (envelope.queued) queued++
    return {
      sent: this.counts.sent,
      duplicated: this.counts.duplicated,
      delivered: this.counts.delivered,
      dropped: { ...this.counts.dropped },
      inFlight: this.pending.size - queued,
      queued
    }
  }

  private node (id: string): SimulatedNode<Message> {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`unknown node "${id}"; add it with addNode first`)
    return node
  }

  private linkConditions (from: string, to: string): LinkConditions {
    const override = this.links.get(from)?.get(to)
    return override === undefined ? this.defaults : { ...this.defaults, ...override }
  }

  private isCut (from: string, to: string): boolean {
    return this.cuts.some(cut => cut.from.has(from) && cut.to.has(to))
  }

  /** Put one copy on the wire. */
  private dispatch (id: number, from: string, to: string, message: Message, conditions: LinkConditions): void {
    const envelope: Envelope<Message> = {
      key: ++this.lastKey,
      id,
      from,
      to,
      message: this.clone === undefined ? message : this.clone(message),
      sentAt: this.clock.now(),
      timer: undefined,
      queued: false
    }
    envelope.timer = this.clock.setTimeout(() => { this.arrive(envelope) }, this.drawDelay(conditions))
    this.pending.set(envelope.key, envelope)
  }

  private drawDelay ({ delay, reorder }: LinkConditions): number {
    let ms = delay.minMs === delay.maxMs ? delay.minMs : delay.minMs + this.random.int(delay.maxMs - delay.minMs + 1)
    if (reorder > 0 && this.random.chance(reorder)) ms += 1 + this.random.int(Math.max(1, delay.maxMs))
    return ms
  }

  /** The copy reached the receiver's side; a crash would have cancelled its timer. */
  private arrive (envelope: Envelope<Message>): void {
    if (this.isCut(envelope.from, envelope.to)) return this.dropPending(envelope, 'partition')
    const receiver = this.node(envelope.to)
    if (receiver.status === 'paused') {
      envelope.queued = true
      receiver.queue.push(envelope)
      return
    }
    this.deliver(envelope)
  }

  private deliver (envelope: Envelope<Message>): void {
    this.pending.delete(envelope.key)
    this.counts.delivered++
    const { id, from, to, message, sentAt } = envelope
    this.trace?.({ type: 'deliver', at: this.clock.now(), sentAt, id, from, to, message })
    this.node(to).handler(from, message)
  }

  private dropPending (envelope: Envelope<Message>, reason: DropReason): void {
    this.pending.delete(envelope.key)
    const { id, from, to, message, sentAt } = envelope
    this.record({ type: 'drop', at: this.clock.now(), sentAt, id, from, to, message, reason })
  }

  private record (event: Extract<NetworkEvent<Message>, { type: 'drop' }>): void {
    this.counts.dropped[event.reason]++
    this.trace?.(event)
  }
}

/** `base` with the conditions set in `change`, checked. */
function withConditions (base: Readonly<LinkConditions>, change: Partial<LinkConditions>): LinkConditions {
  const result: LinkConditions = { ...base, ...pickConditions(change) }
  const { minMs, maxMs } = result.delay
  if (!(Number.isInteger(minMs) && Number.isInteger(maxMs) && minMs >= 0 && minMs <= maxMs)) {
    throw new RangeError(`delay needs whole milliseconds with 0 <= minMs <= maxMs, got { minMs: ${minMs}, maxMs: ${maxMs} }`)
  }
  for (const name of ['loss', 'duplicate', 'reorder'] as const) {
    const p = result[name]
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`)
  }
  return result
}

/** Only the link conditions that `change` sets (it may be a wider object, such as the init). */
function pickConditions (change: Partial<LinkConditions>): Partial<LinkConditions> {
  const picked: Partial<LinkConditions> = {}
  if (change.delay !== undefined) picked.delay = { minMs: change.delay.minMs, maxMs: change.delay.maxMs }
  if (change.loss !== undefined) picked.loss = change.loss
  if (change.duplicate !== undefined) picked.duplicate = change.duplicate
  if (change.reorder !== undefined) picked.reorder = change.reorder
  return picked
}
