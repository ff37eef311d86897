/**
 * Topic publish/subscribe for a Meshwork node over `@libp2p/gossipsub` 16, behind Meshwork's
 * {@link PubSub} contract.
 *
 * gossipsub is a libp2p service on the node's libp2p host (`meshPubSub().libp2pServices`,
 * or {@link withPubSub}); this class is the Meshwork service in front of it
 * (`node.service<GossipPubSub>('pubsub')`). On the wire it is plain gossipsub v1.2 with
 * StrictSign messages, so any libp2p gossipsub peer (js, go, rust) shares its topics.
 *
 * What it adds to gossipsub:
 * - handlers per topic, called synchronously in subscription order; the topic is joined on
 *   the first handler and left with the last;
 * - Meshwork's validation pipeline on every received message, before handlers and before
 *   gossipsub forwards it: graylisted sender, size, known author, replay (per-author sequence
 *   window, past gossipsub's seen cache), per-author rate, then `addValidator` validators (see
 *   {@link InboundValidator}). Penalising failures become gossipsub `Reject`s (P4 score
 *   penalty), lower Meshwork's reputation of the peer (which feeds gossipsub's score as P5) and
 *   are reported to the node as violations; the rest are `Ignore`d;
 * - peer scoring with Meshwork's thresholds and per-topic parameters (see `constants.ts`);
 * - typed errors (`NoSubscribersError`, `PayloadTooLargeError`, `PublishRateLimitedError`,
 *   `TopicNameError`) and a `message:dropped` event for every refused message.
 *
 * @example
 * ```ts
 * const node = await createMeshNode(withPubSub({ bootstrap }, { validation: { maxMessageBytes: 64 * 1024 } }))
 * await node.start()
 * const pubsub = node.service<GossipPubSub>('pubsub')!
 * const stop = pubsub.subscribe('news', (m) => { console.log(m.origin, m.data) })
 * await pubsub.publish('news', new TextEncoder().encode('hello'), { signal: AbortSignal.timeout(5_000) })
 * ```
 */
import { raceSignal } from 'race-signal'
import { TypedEvents, NotStartedError, type AbortOptions, type ChannelHost, type Clock, type Counter, type Logger, type MessageSigner, type Metrics, type PeerIdString, type PubSub, type PubSubHandler, type PubSubMessage, type PubSubValidator, type PublishResult } from '@meshwork/core-mesh'
import type { GossipsubMessage } from '@libp2p/gossipsub'
import { OriginRateLimitedError } from '../errors.js'
import { PeerReputation } from '../validation/peer-reputation.js'
import { ValidationPipeline } from '../validation/validation-pipeline.js'
import { GOSSIPSUB_PROTOCOL, PUBSUB_SERVICE } from './constants.js'
import { NoSubscribersError, PayloadTooLargeError, PublishFailedError, PublishRateLimitedError, TopicNameError } from './errors.js'
import type { GossipsubBinding, GossipsubService } from './gossipsub-binding.js'
import { InboundValidator, type DroppedMessage } from './inbound-validator.js'
import type { PublishedIds } from './message-id.js'
import { reputationFrom, type ResolvedPubSubOptions } from './options.js'
import { ReplayGuard } from './replay-guard.js'
import { assertTopicName } from './topic-name.js'

/** The components the pub/sub service needs from the node. */
export interface PubSubComponents {
  peerId: PeerIdString
  logger: Logger
  metrics: Metrics
  clock: Clock
  /** Penalising drops are reported here. */
  channels: Pick<ChannelHost, 'reportViolation'>
  /** Required by the validation pipeline; gossipsub signs with the libp2p key itself. */
  signer: MessageSigner
}

/** Events a {@link GossipPubSub} emits. */
export interface PubSubEvents {
  /** A received message was refused (not delivered, not forwarded); `verdict` says if its sender was charged. */
  'message:dropped': DroppedMessage
}

interface HandlerEntry { handler: PubSubHandler }

interface PubSubCounters {
  published: Counter
  delivered: Counter
  dropped: Counter
  handlerErrors: Counter
}

/** See the module comment above. */
export class GossipPubSub extends TypedEvents<PubSubEvents> implements PubSub {
  readonly name = PUBSUB_SERVICE
  /** Meshwork's reputation of the peers that hand us messages (shared if one was given). */
  readonly reputation: PeerReputation
  private readonly pipeline: ValidationPipeline
  private readonly inbound: InboundValidator
  private readonly handlers = new Map<string, HandlerEntry[]>()
  /** Topics whose gossipsub topic validator is ours. */
  private readonly installed = new Set<string>()
  private readonly log: Logger
  private readonly counters: PubSubCounters
  private readonly allowedTopics: ReadonlySet<string> | undefined
  private gossipsub: GossipsubService | undefined

  constructor (
    private readonly binding: GossipsubBinding,
    private readonly ids: PublishedIds,
    private readonly options: ResolvedPubSubOptions,
    private readonly components: PubSubComponents
  ) {
    super()
    this.log = components.logger.child({ component: 'pubsub' })
    this.allowedTopics = options.allowedTopics === undefined ? undefined : new Set(options.allowedTopics)
    this.reputation = reputationFrom(options.reputation, (init) => new PeerReputation({
      ...init,
      clock: components.clock,
      onGraylisted: (peer, score) => { this.log.info({ remote: peer, score }, 'peer graylisted by reputation') }
    }))
    this.pipeline = new ValidationPipeline({
      ...options.validation,
      signer: components.signer,
      clock: components.clock,
      reputation: this.reputation,
      ...(options.isKnownSender === undefined ? {} : { isKnownSender: options.isKnownSender })
    })
    this.inbound = new InboundValidator({
      self: components.peerId,
      pipeline: this.pipeline,
      replay: options.replayWindow === false ? undefined : new ReplayGuard(options.replayWindow, options.replayTrackedOrigins),
      violation: (peer, error) => { components.channels.reportViolation(peer, GOSSIPSUB_PROTOCOL, error) },
      dropped: (dropped) => { this.onDropped(dropped) },
      log: this.log
    })
    this.counters = {
      published: components.metrics.counter('meshwork_pubsub_published_total', 'Messages this node published'),
      delivered: components.metrics.counter('meshwork_pubsub_delivered_total', 'Received messages handed to subscribers'),
      dropped: components.metrics.counter('meshwork_pubsub_dropped_total', 'Received messages refused by validation', ['verdict', 'reason']),
      handlerErrors: components.metrics.counter('meshwork_pubsub_handler_errors_total', 'Subscriber handlers that threw')
    }
  }

  /** Largest payload `publish` accepts and received messages may carry, in bytes. */
  get maxMessageBytes (): number {
    return this.pipeline.maxMessageBytes
  }

  // ---- lifecycle ----------------------------------------------------------------------

  async start (options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    if (this.gossipsub !== undefined) return
    const gossipsub = this.binding.require()
    if (!gossipsub.isStarted()) throw new NotStartedError('gossipsub is not started: start the libp2p node first')
    gossipsub.addEventListener('gossipsub:message', this.onMessage)
    this.binding.onInvalidMessage((peer, topic) => { this.inbound.invalid(peer, topic) })
    this.gossipsub = gossipsub
    for (const topic of this.inbound.topics()) this.install(gossipsub, topic)
  }

  /**
   * Leave every topic and drop every handler; validators stay for a later start. Nothing in it
   * waits, so the signal has nothing to abort.
   */
  async stop (_options?: AbortOptions): Promise<void> {
    const gossipsub = this.gossipsub
    if (gossipsub === undefined) return
    this.gossipsub = undefined
    gossipsub.removeEventListener('gossipsub:message', this.onMessage)
    this.binding.onInvalidMessage(undefined)
    for (const topic of this.handlers.keys()) {
      if (gossipsub.isStarted()) gossipsub.unsubscribe(topic)
    }
    this.handlers.clear()
    for (const topic of this.installed) {
      if (gossipsub.topicValidators.get(topic) === this.inbound.validate) gossipsub.topicValidators.delete(topic)
    }
    this.installed.clear()
  }

  // ---- PubSub -------------------------------------------------------------------------

  subscribe (topic: string, handler: PubSubHandler): () => void {
    this.checkTopic(topic)
    const gossipsub = this.requireRunning()
    const entry: HandlerEntry = { handler }
    let list = this.handlers.get(topic)
    if (list === undefined) {
      list = []
      this.handlers.set(topic, list)
      this.install(gossipsub, topic)
      gossipsub.subscribe(topic)
    }
    list.push(entry)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      this.removeHandler(topic, entry)
    }
  }

  /**
   * Sign and send `data` to the topic's first hops. Refused before anything is sent with
   * `TopicNameError`, `PayloadTooLargeError`, `PublishRateLimitedError` (this node's own
   * messages count against the per-author rate its peers enforce) or the signal's reason;
   * `NoSubscribersError` when no subscriber could be handed the message. The payload is
   * copied. An abort after the message was handed to gossipsub rejects the call but cannot
   * recall the message.
   */
  async publish (topic: string, data: Uint8Array, options?: AbortOptions): Promise<PublishResult> {
    options?.signal?.throwIfAborted()
    this.checkTopic(topic)
    const gossipsub = this.requireRunning()
    if (data.byteLength > this.pipeline.maxMessageBytes) throw new PayloadTooLargeError(data.byteLength, this.pipeline.maxMessageBytes)
    try {
      this.pipeline.checkRate(this.components.peerId, this.components.peerId)
    } catch (err) {
      if (err instanceof OriginRateLimitedError) throw new PublishRateLimitedError(topic)
      throw err
    }
    // a copy of our own (Buffer#slice would share memory): the caller may reuse its array, and
    // this exact array is what the id lookup is keyed on
    const payload = new Uint8Array(data)
    this.ids.expect(payload)
    let recipients: PeerIdString[]
    try {
      const published = gossipsub.publish(topic, payload)
      // if the abort wins, a later failure of the publish is nobody's to handle
      published.catch(() => {})
      const result = await raceSignal(published, options?.signal)
      recipients = result.recipients.map(peer => peer.toString())
    } catch (err) {
      this.ids.take(payload)
      throw publishError(err, topic, options?.signal)
    }
    const id = this.ids.take(payload)
    // gossipsub drops peers whose stream is gone from the list: nobody got the message
    if (recipients.length === 0) throw new NoSubscribersError(topic)
    if (id === undefined) throw new PublishFailedError('gossipsub published without computing a message id')
    this.counters.published.inc()
    return { id, recipients }
  }

  topics (): string[] {
    return [...this.handlers.keys()]
  }

  subscribers (topic: string): PeerIdString[] {
    this.checkTopic(topic)
    return this.gossipsub?.getSubscribers(topic).map(peer => peer.toString()) ?? []
  }

  addValidator (topic: string, validator: PubSubValidator): () => void {
    this.checkTopic(topic)
    const remove = this.inbound.add(topic, validator)
    if (this.gossipsub !== undefined) this.install(this.gossipsub, topic)
    let added = true
    return () => {
      if (!added) return
      added = false
      remove()
      this.uninstallIfUnused(topic)
    }
  }

  // ---- beyond the contract --------------------------------------------------------------

  /** Peers in this node's gossipsub mesh for `topic` (empty when not subscribed). */
  meshPeers (topic: string): PeerIdString[] {
    return this.gossipsub?.getMeshPeers(topic) ?? []
  }

  /** gossipsub's score of `peer` (0 for an unknown peer); see `constants.ts` for the scale. */
  peerScore (peer: PeerIdString): number {
    return this.gossipsub?.getScore(peer) ?? 0
  }

  /**
   * P5 of gossipsub's score: Meshwork's reputation of `peer`, only when negative (positive
   * standing comes from gossipsub's own counters).
   * @internal gossipsub's `appSpecificScore`
   */
  appSpecificScore (peer: PeerIdString): number {
    return Math.min(0, this.reputation.score(peer))
  }

  // ---- internals ------------------------------------------------------------------------

  private checkTopic (topic: string): void {
    assertTopicName(topic)
    if (this.allowedTopics !== undefined && !this.allowedTopics.has(topic)) {
      throw new TopicNameError(`"${topic}" is not among the allowed topics; gossipsub would drop its traffic`)
    }
  }

  private requireRunning (): GossipsubService {
    if (this.gossipsub === undefined) throw new NotStartedError('pub/sub is not started')
    return this.gossipsub
  }

  /** Our validator on `topic`, and the topic scored, so that rejections cost the sender (P4). */
  private install (gossipsub: GossipsubService, topic: string): void {
    gossipsub.score.params.topics[topic] ??= { ...this.options.topicScoreParams }
    gossipsub.topicValidators.set(topic, this.inbound.validate)
    this.installed.add(topic)
  }

  private uninstallIfUnused (topic: string): void {
    const gossipsub = this.gossipsub
    if (gossipsub === undefined || this.handlers.has(topic) || this.inbound.hasValidators(topic)) return
    // A topic we neither read nor validate: gossipsub does not deliver or forward it anyway.
    // Its score parameters stay, so that penalties already counted keep counting.
    if (gossipsub.topicValidators.get(topic) === this.inbound.validate) gossipsub.topicValidators.delete(topic)
    this.installed.delete(topic)
  }

  private removeHandler (topic: string, entry: HandlerEntry): void {
    const list = this.handlers.get(topic)
    const index = list?.indexOf(entry) ?? -1
    if (list === undefined || index < 0) return
    list.splice(index, 1)
    if (list.length > 0) return
    this.handlers.delete(topic)
    if (this.gossipsub?.isStarted() === true) this.gossipsub.unsubscribe(topic)
    this.uninstallIfUnused(topic)
  }

  private readonly onMessage = (event: CustomEvent<GossipsubMessage>): void => {
    const { propagationSource, msgId, msg } = event.detail
    const list = this.handlers.get(msg.topic)
    if (list === undefined || msg.type !== 'signed') return
    const message: PubSubMessage = { topic: msg.topic, origin: msg.from.toString(), from: propagationSource.toString(), id: msgId, data: msg.data }
    this.counters.delivered.inc()
    for (const { handler } of [...list]) {
      try {
        handler(message)
      } catch (err) {
        this.counters.handlerErrors.inc()
        this.log.warn({ topic: msg.topic, id: msgId, err }, 'a pub/sub handler threw')
      }
    }
  }

  private onDropped (dropped: DroppedMessage): void {
    this.counters.dropped.inc({ verdict: dropped.verdict, reason: dropped.error.name })
    this.log.debug({ topic: dropped.topic, remote: dropped.from, origin: dropped.origin, verdict: dropped.verdict, error: dropped.error.name }, 'pub/sub message dropped')
    this.emit('message:dropped', dropped)
  }
}

/** gossipsub throws plain `Error('PublishError.<Kind>')`; give them Meshwork types. */
function publishError (err: unknown, topic: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted === true && err === signal.reason) return err as Error
  const message = (err as Error)?.message ?? String(err)
  if (message.includes('NoPeersSubscribedToTopic') || message.includes('InsufficientPeers')) return new NoSubscribersError(topic, { cause: err })
  return new PublishFailedError(`gossipsub refused to publish on "${topic}": ${message}`, { cause: err })
}
