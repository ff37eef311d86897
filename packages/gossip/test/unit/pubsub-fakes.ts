import { generateKeyPair } from '@libp2p/crypto/keys'
import { TopicValidatorResult, type GossipsubMessage, type Message, type PublishResult, type TopicValidatorFn } from '@libp2p/gossipsub'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IdentitySigner, noopMetrics, silentLogger, type ChannelHost, type PeerIdString } from '@meshwork/core-mesh'
import { VirtualClock } from '@meshwork/core-mesh/testkit'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { PeerScoreParams } from '@libp2p/gossipsub/score'
import { GossipPubSub, type PubSubComponents } from '../../src/pubsub/gossip-pubsub.js'
import { GossipsubBinding, type GossipsubService } from '../../src/pubsub/gossipsub-binding.js'
import { PublishedIds } from '../../src/pubsub/message-id.js'
import { resolvePubSubOptions, type MeshPubSubOptions } from '../../src/pubsub/options.js'

/** A peer with a real Ed25519 identity. */
export interface FakePeer { id: PeerId, key: PrivateKey, toString: () => string }

export async function fakePeer (): Promise<FakePeer> {
  const key = await generateKeyPair('Ed25519')
  const id = peerIdFromPrivateKey(key)
  return { id, key, toString: () => id.toString() }
}

/**
 * The gossipsub surface GossipPubSub drives, in memory: `deliver` runs the topic validator as
 * gossipsub would and dispatches `gossipsub:message` on `accept`.
 */
export class FakeGossipsub extends EventTarget {
  readonly topicValidators = new Map<string, TopicValidatorFn>()
  readonly subscriptions = new Set<string>()
  readonly calls: string[] = []
  readonly subscribers = new Map<string, string[]>()
  readonly score = {
    params: { topics: {} } as unknown as PeerScoreParams,
    rejectInvalidMessage: (_from: string, _topic: string): void => {}
  }

  started = true
  publishImpl: (topic: string, data: Uint8Array) => Promise<PublishResult> = async () => ({ recipients: [] })
  private seqno = 1n

  constructor (private readonly ids: PublishedIds) {
    super()
  }

  isStarted (): boolean { return this.started }
  subscribe (topic: string): void { this.calls.push(`subscribe ${topic}`); this.subscriptions.add(topic) }
  unsubscribe (topic: string): void { this.calls.push(`unsubscribe ${topic}`); this.subscriptions.delete(topic) }
  getTopics (): string[] { return [...this.subscriptions] }
  getSubscribers (topic: string): PeerId[] { return (this.subscribers.get(topic) ?? []).map(id => ({ toString: () => id }) as unknown as PeerId) }
  getMeshPeers (topic: string): string[] { return this.subscribers.get(topic) ?? [] }
  getScore (_peer: string): number { return 0 }

  /** Like gossipsub: the id function sees a message whose data is the published array. */
  async publish (topic: string, data: Uint8Array): Promise<PublishResult> {
    const author = await fakePeer()
    this.ids.msgIdFn(this.message(topic, data, author, this.seqno++))
    return await this.publishImpl(topic, data)
  }

  message (topic: string, data: Uint8Array, origin: FakePeer, seqno = this.seqno++): Message {
    return { type: 'signed', from: origin.id, topic, data, sequenceNumber: seqno, signature: new Uint8Array(64), key: origin.key.publicKey }
  }

  /** A copy of `message` arriving from `from`: validated, then delivered when accepted. */
  async deliver (from: FakePeer, message: Message): Promise<TopicValidatorResult> {
    const validator = this.topicValidators.get(message.topic)
    const verdict = validator === undefined ? TopicValidatorResult.Accept : await validator(from.id, message)
    if (verdict === TopicValidatorResult.Accept && this.subscriptions.has(message.topic)) {
      const detail: GossipsubMessage = { propagationSource: from.id, msgId: `id-${String((message as { sequenceNumber: bigint }).sequenceNumber)}`, msg: message }
      this.dispatchEvent(new CustomEvent('gossipsub:message', { detail }))
    }
    return verdict
  }
}

export interface Harness {
  pubsub: GossipPubSub
  gossipsub: FakeGossipsub
  binding: GossipsubBinding
  clock: VirtualClock
  self: FakePeer
  violations: Array<{ peer: PeerIdString, protocol: string, error: Error }>
}

/** A started GossipPubSub on a fake gossipsub, with stub components. */
export async function harness (options: MeshPubSubOptions = {}): Promise<Harness> {
  const self = await fakePeer()
  const clock = new VirtualClock()
  const violations: Harness['violations'] = []
  const channels = { reportViolation: (peer: string, protocol: string, error: Error) => { violations.push({ peer, protocol, error }) } } as unknown as ChannelHost
  const components: PubSubComponents = {
    peerId: self.toString(),
    logger: silentLogger,
    metrics: noopMetrics,
    clock,
    channels,
    signer: new IdentitySigner(self.key)
  }
  const ids = new PublishedIds()
  const gossipsub = new FakeGossipsub(ids)
  const binding = new GossipsubBinding()
  binding.attach(gossipsub as unknown as GossipsubService)
  const pubsub = new GossipPubSub(binding, ids, resolvePubSubOptions(options), components)
  await pubsub.start()
  return { pubsub, gossipsub, binding, clock, self, violations }
}

export const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value)
