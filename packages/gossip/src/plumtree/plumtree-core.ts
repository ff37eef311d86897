/**
 * The Plumtree protocol core (Leitão, Pereira, Rodrigues: "Epidemic Broadcast Trees", SRDS
 * 2007), with no I/O: the host feeds it received messages and membership changes, and it calls
 * the injected `send` and `deliver`. Time and chance come from the injected clock and random
 * source, so a seeded simulation replays exactly.
 *
 * How it works:
 * - Each node splits the members it knows into an eager set and a lazy set. A message's full
 *   payload (GOSSIP) goes to the eager peers; only its id goes to lazy peers (IHAVE), batched
 *   per `lazyIntervalMs` and repeated over `announceRounds` rounds, each round to a fresh
 *   random sample of `lazyFanout` lazy peers.
 * - A duplicate GOSSIP means the overlay has a cycle: the receiver moves the sender to lazy and
 *   answers PRUNE, which makes the sender do the same. After a message or two the eager links
 *   form a spanning tree and every node receives one payload per message.
 * - A node that hears an IHAVE for a message it lacks waits 1–1.5 × `ihaveTimeoutMs` for the tree to
 *   deliver it, then GRAFTs the announcer (which joins its eager set and sends the payload,
 *   with every other missing message it announced), and every further `graftTimeoutMs` the
 *   next announcer: a broken tree repairs itself with the very message that found the break.
 * - Copies pulled by a GRAFT are marked `grafted`, and so are the copies forwarded from them:
 *   a duplicate involving one prunes nothing. (Without this, the burst of repaired messages
 *   racing through a subtree with two new links prunes different links for different messages
 *   and shatters it; under steady traffic the tree then never settles.)
 * - Tree optimisation (opt-in, see `optimizationThreshold`): a lazy peer that announces a
 *   message it received at least `optimizationThreshold` hops closer to the origin than our
 *   copy is grafted, and our parent for that message pruned.
 * - The eager set never starts as "all members": a node opens `eagerFanout` eager links of its
 *   own choosing (at start, or as its first peers appear), each announced to the peer by an
 *   empty GRAFT so the link is kept at both ends. Peers that join later are lazy. When an eager
 *   peer leaves, a random lazy peer is grafted in its place, so churn does not strand subtrees.
 * - Neighbours come from the membership view only: the eager and lazy sets only ever hold
 *   current members, and control frames (GRAFT, PRUNE, IHAVE) from anyone else are ignored,
 *   since nothing would ever remove such a peer again. A GOSSIP from outside the view (an
 *   outsider's broadcast, a late copy from a departed member) is still delivered and pushed on,
 *   but its sender does not become a neighbour.
 * - What others can make us do is bounded: a GRAFT is answered with at most
 *   `maxServedPerGraft` payloads, each sent to a given peer at most once per
 *   `graftServeWindowMs`; one announcer has at most `maxMissingPerAnnouncer` missing messages
 *   tracked.
 *
 * The core trusts the ids and origins the host gives it: the host validates payloads (and
 * derives the id from them) before calling `receive` with a GOSSIP.
 */
import type { Clock, RandomSource } from '@meshwork/core-mesh'
import { resolvePlumtreeConfig, type PlumtreeConfig } from './config.js'
import { LazyQueue, type PendingAnnouncement } from './lazy-queue.js'
import { MessageCache } from './message-cache.js'
import type { GossipMessage, PlumtreeDelivery, PlumtreeMessage } from './messages.js'
import { MissingMessages, type Announcer } from './missing-messages.js'
import { sampleOf } from './peer-sample.js'

/** (peer, message) pairs remembered as recently served to a GRAFT, at most (oldest forgotten first). */
const MAX_SERVED_REMEMBERED = 16_384

export interface PlumtreeCoreInit {
  /** This node's id. */
  self: string
  clock: Clock
  random: RandomSource
  /**
   * Send `message` to `to`. Fire and forget: a lost message is repaired by the protocol. Called
   * synchronously from the core's methods and timers; must not throw or call back into the core.
   * The core does not modify `message` (or its payload) afterwards, nor may the host.
   * `relayedFrom` is set for a GOSSIP this node passes on for another origin: the neighbour
   * its copy came from (for relay accounting).
   */
  send: (to: string, message: PlumtreeMessage, relayedFrom?: string) => void
  /** Hand a message to the application: once per message id. Must not throw. */
  deliver: (message: PlumtreeDelivery) => void
  config?: Partial<PlumtreeConfig>
}

/** Counters since the core was made, for tests and metrics. */
export interface PlumtreeStats {
  /** GOSSIP copies received, first or not. */
  gossipReceived: number
  /** GOSSIP copies that were duplicates. */
  duplicates: number
  delivered: number
  prunesSent: number
  /** GRAFTs sent to fetch a missing message (repairs). */
  repairGrafts: number
  /** Payloads sent in answer to GRAFTs. */
  graftPayloadsServed: number
  /** Control frames (GRAFT, PRUNE, IHAVE) ignored because their sender is not a member. */
  ignoredFromNonMembers: number
  /** Parent switches made by the hop-count optimisation. */
  optimizations: number
}

export class PlumtreeCore {
  readonly config: PlumtreeConfig
  private readonly self: string
  private readonly random: RandomSource
  private readonly eager = new Set<string>()
  private readonly lazy = new Set<string>()
  private readonly cache: MessageCache
  private readonly missing: MissingMessages
  private readonly lazyQueue: LazyQueue
  /** The view's members other than this node: the only peers that may be neighbours. */
  private readonly members = new Set<string>()
  /**
   * When each `<peer> <id>` pair was last served in answer to a GRAFT, oldest first (entries
   * are re-inserted when served again, so insertion order is time order).
   */
  private readonly served = new Map<string, number>()
  /** Eager links this node opened on its own initiative, toward `eagerFanout`. */
  private seededLinks = 0
  private stopped = false
  private readonly counters: PlumtreeStats = { gossipReceived: 0, duplicates: 0, delivered: 0, prunesSent: 0, repairGrafts: 0, graftPayloadsServed: 0, ignoredFromNonMembers: 0, optimizations: 0 }

  constructor (private readonly init: PlumtreeCoreInit) {
    this.config = resolvePlumtreeConfig(init.config)
    this.self = init.self
    this.random = init.random
    this.cache = new MessageCache({
      clock: init.clock,
      payloadTtlMs: this.config.payloadTtlMs,
      seenTtlMs: this.config.seenTtlMs,
      maxEntries: this.config.maxCachedMessages
    })
    this.missing = new MissingMessages({
      clock: init.clock,
      random: init.random,
      ihaveTimeoutMs: this.config.ihaveTimeoutMs,
      graftTimeoutMs: this.config.graftTimeoutMs,
      maxGrafts: this.config.maxGraftAttempts,
      maxEntries: this.config.maxMissingMessages,
      maxPerAnnouncer: this.config.maxMissingPerAnnouncer,
      // Ask for no more than peers (with our config) serve per GRAFT.
      maxIdsPerGraft: Math.min(this.config.maxIdsPerFrame, this.config.maxServedPerGraft),
      graft: (peer, ids) => { this.repair(peer, ids) }
    })
    this.lazyQueue = new LazyQueue({
      clock: init.clock,
      intervalMs: this.config.lazyIntervalMs,
      rounds: this.config.announceRounds,
      announce: (due) => { this.announce(due) }
    })
  }

  /** Peers that receive full payloads. */
  eagerPeers (): string[] {
    return [...this.eager]
  }

  /** Peers that receive announcements only. */
  lazyPeers (): string[] {
    return [...this.lazy]
  }

  /** Whether this node has delivered or originated `id` (within the seen window). */
  has (id: string): boolean {
    return this.cache.has(id)
  }

  get stats (): Readonly<PlumtreeStats> {
    return { ...this.counters }
  }

  /** Messages announced to this node and not yet received. */
  get missingCount (): number {
    return this.missing.size
  }

  /** Whether `peer` is a member of the view, as last reported by `membersChanged`. */
  isMember (peer: string): boolean {
    return this.members.has(peer)
  }

  /**
   * The membership view changed. Departed peers leave both sets (an eager one is replaced by a
   * random lazy peer); joined peers are lazy, except while this node has opened fewer than
   * `eagerFanout` eager links of its own.
   */
  membersChanged (change: { joined?: readonly string[], left?: readonly string[] }): void {
    if (this.stopped) return
    let eagerLost = 0
    for (const peer of change.left ?? []) {
      if (peer === this.self) continue
      this.members.delete(peer)
      if (this.eager.delete(peer)) eagerLost++
      this.lazy.delete(peer)
      this.missing.removePeer(peer)
    }
    const fresh = (change.joined ?? []).filter(peer => peer !== this.self && !this.members.has(peer))
    for (const peer of fresh) {
      this.members.add(peer)
      this.lazy.add(peer)
    }
    // The first peers a node meets seed the tree; later ones are lazy until the tree needs them.
    const seeds = Math.min(this.config.eagerFanout - this.seededLinks, fresh.length)
    if (seeds > 0) {
      this.seededLinks += seeds
      for (const peer of sampleOf(this.random, fresh, seeds)) this.graftLink(peer)
    }
    for (const peer of sampleOf(this.random, this.lazy, eagerLost)) this.graftLink(peer)
  }

  /** Originate a message. `id` must be new; the origin does not deliver its own message. */
  broadcast (id: string, payload: Uint8Array): void {
    if (this.stopped) return
    if (!this.cache.add({ id, origin: this.self, hops: 0, parent: undefined, payload, grafted: false })) {
      throw new RangeError(`message id ${id} was already seen`)
    }
    const gossip: GossipMessage = { type: 'gossip', id, origin: this.self, round: 0, payload, grafted: false }
    for (const peer of this.eager) this.init.send(peer, gossip)
    this.lazyQueue.add({ id, round: 0, origin: this.self, parent: undefined })
  }

  /** A message from neighbour `from`. A GOSSIP must have been validated by the host. */
  receive (from: string, message: PlumtreeMessage): void {
    if (this.stopped || from === this.self) return
    if (!this.members.has(from)) {
      // Still worth delivering (the host validated it), but the sender is no neighbour.
      if (message.type !== 'gossip') {
        this.counters.ignoredFromNonMembers++
        return
      }
      this.counters.gossipReceived++
      if (this.cache.has(message.id)) this.counters.duplicates++
      else this.accept(from, message)
      return
    }
    switch (message.type) {
      case 'gossip': this.onGossip(from, message); break
      case 'ihave': this.onIHave(from, message.announcements); break
      case 'graft': this.onGraft(from, message.ids); break
      case 'prune': this.moveToLazy(from); break
    }
  }

  /** Cancel every timer; the core ignores all calls afterwards. */
  stop (): void {
    this.stopped = true
    this.missing.stop()
    this.lazyQueue.stop()
  }

  private onGossip (from: string, message: GossipMessage): void {
    this.counters.gossipReceived++
    const known = this.cache.get(message.id)
    if (known !== undefined) {
      this.counters.duplicates++
      // A second copy from our own parent is a network retransmission, not a redundant path.
      if (from === known.parent) return
      // A copy pulled by a GRAFT arrives whenever the repair happens: which copy came first
      // says nothing about the tree. Pruning on such races cuts a repaired subtree into pieces
      // (each piece then repairs itself, and so on), so only pushes along the tree prune.
      if (message.grafted || known.grafted) return
      this.moveToLazy(from)
      this.counters.prunesSent++
      this.init.send(from, { type: 'prune' })
      return
    }
    this.moveToEager(from)
    this.accept(from, message)
  }

  /** First copy of a message: deliver it, push it on along the tree, queue its announcement. */
  private accept (from: string, message: GossipMessage): void {
    const hops = message.round + 1
    this.cache.add({ id: message.id, origin: message.origin, hops, parent: from, payload: message.payload, grafted: message.grafted })
    const announcers = this.missing.received(message.id)
    this.counters.delivered++
    this.init.deliver({ id: message.id, origin: message.origin, from, hops, payload: message.payload })
    if (this.stopped) return
    const forward: GossipMessage = { ...message, round: hops }
    for (const peer of this.eager) {
      if (peer === from || peer === message.origin) continue
      this.init.send(peer, forward, from)
    }
    this.lazyQueue.add({ id: message.id, round: hops, origin: message.origin, parent: from })
    const closest = announcers.reduce<Announcer | undefined>((best, a) => best === undefined || a.round < best.round ? a : best, undefined)
    if (closest !== undefined) this.optimize(message.id, closest.peer, closest.round)
  }

  private onIHave (from: string, announcements: ReadonlyArray<{ id: string, round: number }>): void {
    if (!this.eager.has(from)) this.lazy.add(from)
    for (const { id, round } of announcements) {
      if (this.cache.has(id)) {
        this.optimize(id, from, round)
      } else {
        this.missing.announce(id, from, round)
      }
    }
  }

  /**
   * `from` joins the eager set and gets the payloads it asks for that we hold: at most
   * `maxServedPerGraft` of them, skipping any it was sent in answer to a GRAFT within the last
   * `graftServeWindowMs`.
   */
  private onGraft (from: string, ids: readonly string[]): void {
    this.moveToEager(from)
    if (ids.length === 0) return
    const now = this.init.clock.now()
    this.forgetServedBefore(now - this.config.graftServeWindowMs)
    let served = 0
    for (const id of ids) {
      if (served === this.config.maxServedPerGraft) break
      const entry = this.cache.get(id)
      if (entry?.payload === undefined) continue
      const key = `${from} ${id}`
      if (this.served.has(key)) continue
      this.served.set(key, now)
      if (this.served.size > MAX_SERVED_REMEMBERED) this.served.delete(this.served.keys().next().value as string)
      served++
      this.counters.graftPayloadsServed++
      const gossip: GossipMessage = { type: 'gossip', id, origin: entry.origin, round: entry.hops, payload: entry.payload, grafted: true }
      this.init.send(from, gossip, entry.parent)
    }
  }

  private forgetServedBefore (time: number): void {
    for (const [key, at] of this.served) {
      if (at > time) break
      this.served.delete(key)
    }
  }

  /**
   * The paper's optimisation: `peer` received message `id` at hop `round`; grafting it would
   * give us the message `round + 1` hops from its origin. If that beats our copy by at least
   * the threshold, make `peer` our parent and prune the old one.
   */
  private optimize (id: string, peer: string, round: number): void {
    const threshold = this.config.optimizationThreshold
    if (threshold === 0) return
    const entry = this.cache.get(id)
    if (entry?.parent === undefined || entry.parent === peer) return
    if (entry.hops - (round + 1) < threshold) return
    const oldParent = entry.parent
    entry.parent = peer
    entry.hops = round + 1
    this.counters.optimizations++
    this.moveToEager(peer)
    this.init.send(peer, { type: 'graft', ids: [] })
    this.moveToLazy(oldParent)
    this.counters.prunesSent++
    this.init.send(oldParent, { type: 'prune' })
  }

  /** A missing-message timer expired: fetch `ids` from `peer`, which joins the eager set. */
  private repair (peer: string, ids: string[]): void {
    this.counters.repairGrafts++
    this.moveToEager(peer)
    this.init.send(peer, { type: 'graft', ids })
  }

  /** One lazy round: a fresh sample of lazy peers hears of every id due. */
  private announce (due: readonly PendingAnnouncement[]): void {
    for (const peer of sampleOf(this.random, this.lazy, this.config.lazyFanout)) {
      const announcements = due
        .filter(a => a.parent !== peer && a.origin !== peer)
        .map(a => ({ id: a.id, round: a.round }))
      for (let i = 0; i < announcements.length; i += this.config.maxIdsPerFrame) {
        this.init.send(peer, { type: 'ihave', announcements: announcements.slice(i, i + this.config.maxIdsPerFrame) })
      }
    }
  }

  /** Open an eager link on our own initiative: the empty GRAFT makes the peer keep it too. */
  private graftLink (peer: string): void {
    this.moveToEager(peer)
    this.init.send(peer, { type: 'graft', ids: [] })
  }

  /** Only members are ever neighbours (a non-member would never be removed again). */
  private moveToEager (peer: string): void {
    if (!this.members.has(peer)) return
    this.lazy.delete(peer)
    this.eager.add(peer)
  }

  private moveToLazy (peer: string): void {
    if (!this.members.has(peer)) return
    this.eager.delete(peer)
    this.lazy.add(peer)
  }
}
