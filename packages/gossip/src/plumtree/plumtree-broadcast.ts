/**
 * Plumtree as a mesh node's {@link Broadcast}: the libp2p adapter around {@link PlumtreeCore}.
 *
 * ```ts
 * const node = await createMeshNode({ broadcast: plumtreeBroadcast(), services: [membershipService()] })
 * ```
 *
 * - Frames travel on `/meshwork/plumtree/1.0.0` channels (one pooled outbound channel per peer),
 *   as protobuf (`../wire/plumtree.proto`). A frame that does not decode is reported to the node
 *   (`channels.reportViolation`) and closes only that channel.
 * - Every broadcast is sealed in a signed envelope by the {@link ValidationPipeline}; the tree
 *   carries the envelope bytes, and the message id is the envelope's (`<origin>/<seqno>`), so
 *   no peer can forge or rename a message. Every GOSSIP is checked by the pipeline before the
 *   core sees it: an invalid one is neither delivered nor forwarded, and when the pipeline says
 *   the sending peer is at fault (a bad signature, an oversized or undecodable envelope, a
 *   foreign topic) the peer is reported and its channel closed. Frames from graylisted peers
 *   are ignored.
 * - The tree's members come from a {@link MemberView}: the `membership` component (SWIM) when
 *   the node runs one, else the peers the node is connected to. See {@link PlumtreeBroadcastInit.view}.
 * - Forwards on behalf of other origins are reported to the node's RelayObserver once handed
 *   to the transport.
 */
import { raceSignal } from 'race-signal'
import {
  NotStartedError,
  type AbortOptions,
  type Broadcast,
  type BroadcastHandler,
  type BroadcastMessage,
  type Channel,
  type ChannelHost,
  type Clock,
  type Logger,
  type MeshEvents,
  type MessageSigner,
  type RandomSource,
  type RelayObserver,
  type ServiceFactory,
  type TypedEventTarget,
  ChannelPool,
  defineService
} from '@meshwork/core-mesh'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { MessageValidationError } from '../errors.js'
import { PeerReputation } from '../validation/peer-reputation.js'
import { decodeEnvelope, type SignedEnvelope } from '../validation/signed-envelope.js'
import { ValidationPipeline, type ValidationOptions } from '../validation/validation-pipeline.js'
import type { PlumtreeConfig } from './config.js'
import { DEFAULT_BROADCAST_TOPIC, MAX_WIRE_IDS, PLUMTREE_PROTOCOL } from './constants.js'
import { WrongTopicError } from './errors.js'
import { connectedPeersView, type MemberView } from './member-view.js'
import type { PlumtreeDelivery, PlumtreeMessage } from './messages.js'
import { decodePlumtreeFrame, encodePlumtreeMessage, type PlumtreeWireMessage } from './plumtree-codec.js'
import { PlumtreeCore, type PlumtreeStats } from './plumtree-core.js'

export interface PlumtreeBroadcastComponents {
  peerId: string
  channels: ChannelHost
  events: TypedEventTarget<MeshEvents>
  logger: Logger
  clock: Clock
  random: RandomSource
  relayObserver: RelayObserver
  signer: MessageSigner
  /** Provided by a membership service, if the node runs one. */
  membership?: unknown
}

export interface PlumtreeBroadcastInit {
  /** Protocol tunables; see {@link PlumtreeConfig} for each and its default. */
  config?: Partial<PlumtreeConfig>
  /**
   * Where the tree's members come from:
   * - `'auto'` (default): the `membership` component if some service provides one, else the
   *   connected peers. The lookup happens at `start`, when the node has created every service,
   *   so the broadcast need not declare `membership` (and works without it).
   * - `'membership'`: the `membership` component, declared as a need: the node refuses to start
   *   (`MissingDependencyError`) without a membership service.
   *
   * Members need not be connected: the tree dials them. Run `membershipDiscovery()` with the
   * membership service so that the node knows their addresses.
   * - `'connected-peers'`: the peers this node has connections to, whatever else runs.
   * - a function: any {@link MemberView}, built from the components.
   */
  view?: 'auto' | 'membership' | 'connected-peers' | ((components: PlumtreeBroadcastComponents) => MemberView)
  /**
   * The pipeline that seals our broadcasts and checks everyone else's. Default: one of its own
   * with `validation` options and a fresh {@link PeerReputation}; pass a shared one so that
   * pub/sub, membership and broadcast judge peers together.
   */
  pipeline?: (components: PlumtreeBroadcastComponents) => ValidationPipeline
  /** Options for the default pipeline. */
  validation?: ValidationOptions
  /** The envelope topic of broadcasts; messages with another topic are refused. */
  topic?: string
}

const BASE_NEEDS = ['peerId', 'channels', 'events', 'logger', 'clock', 'random', 'relayObserver', 'signer'] as const

/** Counters of one node's tree, for tests, metrics and the dashboard. */
export interface PlumtreeBroadcastStats extends PlumtreeStats {
  eagerPeers: number
  lazyPeers: number
}

export class PlumtreeBroadcast implements Broadcast {
  readonly name = 'plumtree'
  private readonly handlers = new Set<BroadcastHandler>()
  private readonly pool: ChannelPool
  private readonly log: Logger
  private readonly topic: string
  private readonly inbound = new Set<Channel>()
  private core: PlumtreeCore | undefined
  private pipeline: ValidationPipeline | undefined
  private unsubscribe: (() => void) | undefined
  /** The envelope being handed to the core, so that delivery need not decode it again. */
  private current: { id: string, envelope: SignedEnvelope } | undefined
  /** While `broadcast` runs: the first-hop sends, which it waits for, and its caller's signal. */
  private firstHops: { sends: Array<Promise<void>>, signal: AbortSignal | undefined } | undefined
  private viewSource: 'membership' | 'connected-peers' | 'custom' | undefined

  constructor (private readonly components: PlumtreeBroadcastComponents, private readonly init: PlumtreeBroadcastInit = {}) {
    this.log = components.logger.child({ component: 'plumtree' })
    this.pool = new ChannelPool(components.channels, PLUMTREE_PROTOCOL)
    this.topic = init.topic ?? DEFAULT_BROADCAST_TOPIC
  }

  async start (options?: AbortOptions): Promise<void> {
    if (this.core !== undefined) return
    options?.signal?.throwIfAborted()
    const { components } = this
    const view = this.resolveView()
    const pipeline = this.init.pipeline?.(components) ?? new ValidationPipeline({
      ...this.init.validation,
      signer: components.signer,
      clock: components.clock,
      reputation: new PeerReputation({ clock: components.clock })
    })
    const config = { ...this.init.config }
    // Ids must be remembered as long as the pipeline would accept a replay of the message.
    config.seenTtlMs = Math.max(config.seenTtlMs ?? 0, pipeline.replayWindowMs + 60_000)
    config.maxIdsPerFrame = Math.min(config.maxIdsPerFrame ?? MAX_WIRE_IDS, MAX_WIRE_IDS)
    const core = new PlumtreeCore({
      self: components.peerId,
      clock: components.clock,
      random: components.random,
      config,
      send: (to, message, relayedFrom) => { this.send(to, message, relayedFrom) },
      deliver: (delivery) => { this.deliver(delivery) }
    })
    this.pipeline = pipeline
    this.core = core
    await components.channels.handle(PLUMTREE_PROTOCOL, async (channel) => { await this.receive(channel) })
    this.unsubscribe = view.onMembersChanged(change => {
      for (const peer of change.left) this.pool.forget(peer)
      core.membersChanged(change)
    })
    core.membersChanged({ joined: view.liveMembers() })
  }

  async stop (): Promise<void> {
    const core = this.core
    if (core === undefined) return
    this.core = undefined
    this.unsubscribe?.()
    core.stop()
    await this.components.channels.unhandle(PLUMTREE_PROTOCOL)
    for (const channel of this.inbound) channel.abort(new Error('broadcast stopped'))
    this.inbound.clear()
    await this.pool.closeAll('broadcast stopped')
  }

  onMessage (handler: BroadcastHandler): () => void {
    this.handlers.add(handler)
    return () => { this.handlers.delete(handler) }
  }

  /**
   * Seal `data`, push it to the eager peers and resolve once it is handed to them.
   *
   * Rejects with `OriginRateLimitedError` (nothing sent) when this node publishes faster than
   * the pipeline's origin rate, which peers apply to it too. Aborting `options.signal` rejects
   * at once with the signal's reason and gives up the first-hop sends still waiting; the
   * message is already in the tree by then (lazy peers hear of it and can pull it).
   */
  async broadcast (data: Uint8Array, options?: AbortOptions): Promise<Uint8Array> {
    const signal = options?.signal
    signal?.throwIfAborted()
    const { core, pipeline } = this
    if (core === undefined || pipeline === undefined) throw new NotStartedError('plumtree broadcast is not started')
    const { bytes, id } = pipeline.seal(this.topic, data)
    const firstHops = { sends: [] as Array<Promise<void>>, signal }
    this.firstHops = firstHops
    try {
      core.broadcast(id, bytes)
    } finally {
      this.firstHops = undefined
    }
    await raceSignal(Promise.all(firstHops.sends), signal)
    return uint8ArrayFromString(id)
  }

  /** Where the tree's members come from, as resolved at `start`. */
  get view (): 'membership' | 'connected-peers' | 'custom' | undefined {
    return this.viewSource
  }

  /** The tree as this node sees it; zeros before `start`. */
  stats (): PlumtreeBroadcastStats {
    const core = this.core
    if (core === undefined) return { gossipReceived: 0, duplicates: 0, delivered: 0, prunesSent: 0, repairGrafts: 0, graftPayloadsServed: 0, ignoredFromNonMembers: 0, optimizations: 0, eagerPeers: 0, lazyPeers: 0 }
    return { ...core.stats, eagerPeers: core.eagerPeers().length, lazyPeers: core.lazyPeers().length }
  }

  private resolveView (): MemberView {
    const { view = 'auto' } = this.init
    const { components } = this
    if (typeof view === 'function') {
      this.viewSource = 'custom'
      return view(components)
    }
    const membership = components.membership
    if (view === 'membership' || (view === 'auto' && isMemberView(membership))) {
      if (!isMemberView(membership)) throw new TypeError('the membership component does not implement MemberView (liveMembers, onMembersChanged)')
      this.viewSource = 'membership'
      return membership
    }
    this.viewSource = 'connected-peers'
    return connectedPeersView(components.channels, components.events)
  }

  private async receive (channel: Channel): Promise<void> {
    this.inbound.add(channel)
    try {
      for await (const frame of channel) {
        const fault = this.accept(channel.peer, frame)
        if (fault !== undefined) {
          this.components.channels.reportViolation(channel.peer, PLUMTREE_PROTOCOL, fault)
          channel.abort(fault)
          return
        }
      }
    } catch (err) {
      this.log.debug({ remote: channel.peer, err: (err as Error).message }, 'plumtree channel ended')
      channel.abort(err as Error)
    } finally {
      this.inbound.delete(channel)
    }
  }

  /** Handle one frame from `from`; returns the error that makes `from` at fault, if any. */
  private accept (from: string, frame: Uint8Array): Error | undefined {
    const { core, pipeline } = this
    if (core === undefined || pipeline === undefined) return undefined
    let message: PlumtreeWireMessage
    try {
      message = decodePlumtreeFrame(frame)
    } catch (err) {
      return err as Error
    }
    if (pipeline.reputation.isGraylisted(from)) return undefined
    if (message.type !== 'gossip') {
      core.receive(from, message)
      return undefined
    }
    let id: string
    let envelope: SignedEnvelope
    try {
      const checked = pipeline.check(message.envelope, from, { isDuplicate: (id) => core.has(id) })
      if (checked.envelope.topic !== this.topic) {
        const error = new WrongTopicError(`broadcast envelope ${checked.id} has topic "${checked.envelope.topic}"`)
        pipeline.report(from, error)
        throw error
      }
      ;({ id, envelope } = checked)
    } catch (err) {
      if (!(err instanceof MessageValidationError)) throw err
      this.log.debug({ remote: from, err: err.name, message: err.message }, 'broadcast refused')
      return err.penalise ? err : undefined
    }
    this.current = { id, envelope }
    try {
      core.receive(from, { type: 'gossip', id, origin: envelope.origin, round: message.round, payload: message.envelope, grafted: message.grafted })
    } finally {
      this.current = undefined
    }
    return undefined
  }

  private deliver (delivery: PlumtreeDelivery): void {
    const envelope = this.current?.id === delivery.id ? this.current.envelope : decodeEnvelope(delivery.payload)
    const message: BroadcastMessage = {
      id: uint8ArrayFromString(delivery.id),
      origin: delivery.origin,
      from: delivery.from,
      data: envelope.payload,
      hops: delivery.hops
    }
    for (const handler of this.handlers) {
      try {
        handler(message)
      } catch (err) {
        this.log.warn({ err }, 'broadcast handler threw')
      }
    }
  }

  private send (to: string, message: PlumtreeMessage, relayedFrom: string | undefined): void {
    const firstHops = this.firstHops
    const sent = this.pool.send(to, encodePlumtreeMessage(message), { signal: firstHops?.signal }).then(
      () => {
        if (message.type === 'gossip' && relayedFrom !== undefined) this.observeForward(message.id, message.origin, relayedFrom, to, message.payload.byteLength)
      },
      (err: Error) => { this.log.debug({ remote: to, type: message.type, err: err.message }, 'plumtree send failed') }
    )
    firstHops?.sends.push(sent)
  }

  private observeForward (id: string, origin: string, from: string, to: string, bytes: number): void {
    try {
      this.components.relayObserver.onForward({ service: this.name, messageId: uint8ArrayFromString(id), origin, from, to, bytes })
    } catch (err) {
      this.log.warn({ err }, 'relay observer threw')
    }
  }
}

function isMemberView (value: unknown): value is MemberView {
  const candidate = value as Partial<MemberView> | undefined
  return typeof candidate?.liveMembers === 'function' && typeof candidate.onMembersChanged === 'function'
}

/**
 * The Plumtree Broadcast service factory, for `MeshConfig.broadcast`. It provides `broadcast`;
 * with `view: 'membership'` it also needs the `membership` component.
 */
export function plumtreeBroadcast (init: PlumtreeBroadcastInit = {}): ServiceFactory<PlumtreeBroadcast, PlumtreeBroadcastComponents> {
  const needs: string[] = [...BASE_NEEDS]
  if (init.view === 'membership') needs.push('membership')
  return defineService({ name: 'plumtree', needs, provides: ['broadcast'] },
    (components: PlumtreeBroadcastComponents) => new PlumtreeBroadcast(components, init))
}
