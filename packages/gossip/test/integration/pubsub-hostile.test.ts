import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { RPC } from '@libp2p/gossipsub/message'
import { peerIdFromString } from '@libp2p/peer-id'
import { concat } from 'uint8arrays/concat'
import type { Message } from '@libp2p/gossipsub'
import type { PrivateKey } from '@libp2p/interface'
import type { MeshEvents } from '@meshwork/core-mesh'
import type { DroppedMessage } from '../../src/pubsub/index.js'
import { Inbox, PubSubFixture, eventually, sleep, text, utf8, vanillaNode, type PubSubNode, type VanillaNode } from './pubsub-fixtures.js'

const TOPIC = 'guarded'
const MAX_BYTES = 1024
/** Short, so a replay can outlive gossipsub's seen cache within the test. */
const SEEN_TTL_MS = 1_000
const SETTLE_MS = 1_000
const SIGN_PREFIX = utf8('libp2p-pubsub:')

type Injector = { sendRpc: (peer: string, rpc: RPC) => boolean }

/** A stock gossipsub node under our control, able to write any RPC to a peer. */
class Attacker {
  readonly captured: Message[] = []
  private seqno = BigInt(Date.now()) * 1_000_000n

  private constructor (readonly node: VanillaNode, readonly key: PrivateKey | undefined) {
    node.services.pubsub.addEventListener('message', (event) => { this.captured.push(event.detail) })
  }

  static async connect (target: PubSubNode, options: { noSign?: boolean } = {}): Promise<Attacker> {
    const key = await generateKeyPair('Ed25519')
    const node = await vanillaNode(options.noSign === true ? { globalSignaturePolicy: 'StrictNoSign' } : {}, key)
    await node.start()
    const attacker = new Attacker(node, key)
    node.services.pubsub.subscribe(TOPIC)
    await node.dial(target.node.libp2pNode.getMultiaddrs()[0])
    await eventually(() => node.services.pubsub.getSubscribers(TOPIC).some(p => p.toString() === target.id) && target.pubsub.subscribers(TOPIC).includes(attacker.id), 'attacker and target see each other on the topic', 10_000)
    return attacker
  }

  get id (): string {
    return this.node.peerId.toString()
  }

  /** A message signed by this attacker's key, as gossipsub would build it. */
  async signed (data: Uint8Array, fields: Partial<RPC.Message> = {}): Promise<RPC.Message> {
    const seqno = new Uint8Array(8)
    new DataView(seqno.buffer).setBigUint64(0, ++this.seqno, false)
    const unsigned: RPC.Message = { from: this.node.peerId.toMultihash().bytes, data, seqno, topic: TOPIC, ...fields }
    const signature = await this.key!.sign(concat([SIGN_PREFIX, RPC.Message.encode(unsigned)]))
    return { ...unsigned, signature, key: publicKeyToProtobuf(this.key!.publicKey) }
  }

  send (to: PubSubNode, ...messages: RPC.Message[]): void {
    const sent = (this.node.services.pubsub as unknown as Injector).sendRpc(to.id, { subscriptions: [], messages })
    if (!sent) throw new Error('the attacker has no stream to the target')
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }
}

type ScoreDump = { dumpPeerScoreStats: () => Record<string, { topics: Record<string, { invalidMessageDeliveries: number }> }> }

/** gossipsub's own count of invalid messages from `peer` on the topic (its P4 counter), at `node`. */
function invalidDeliveries (node: PubSubNode, peer: string): number {
  const gossipsub = node.node.libp2pNode.services.gossipsub as unknown as ScoreDump
  return gossipsub.dumpPeerScoreStats()[peer]?.topics[TOPIC]?.invalidMessageDeliveries ?? 0
}

/** The raw form of a message someone else published, exactly as it travelled. */
function rawOf (message: Message): RPC.Message {
  if (message.type !== 'signed') throw new Error('expected a signed message')
  const seqno = new Uint8Array(8)
  new DataView(seqno.buffer).setBigUint64(0, message.sequenceNumber, false)
  return { from: message.from.toMultihash().bytes, data: message.data, seqno, topic: message.topic, signature: message.signature, key: publicKeyToProtobuf(message.key) }
}

/**
 * Three Meshwork nodes (a hub and two leaves); attackers are vanilla gossipsub nodes connected to
 * the hub that write hand-made RPCs: forged, tampered, unsigned, oversized and replayed messages.
 */
describe('pub/sub under hostile gossipsub peers', () => {
  const fixture = new PubSubFixture({ pubsub: { validation: { maxMessageBytes: MAX_BYTES }, seenTtlMs: SEEN_TTL_MS } })
  const attackers: Attacker[] = []
  let hub: PubSubNode
  let honest: PubSubNode[]
  let inboxes: Inbox[]
  const dropped = new Map<string, DroppedMessage[]>()
  const violations = new Map<string, Array<MeshEvents['violation']>>()

  beforeAll(async () => {
    honest = await fixture.star(3)
    hub = honest[0]
    for (const n of honest) {
      dropped.set(n.id, [])
      violations.set(n.id, [])
      n.pubsub.addEventListener('message:dropped', (event) => { dropped.get(n.id)?.push(event.detail) })
      n.node.addEventListener('violation', (event) => { violations.get(n.id)?.push(event.detail) })
    }
    inboxes = honest.map(n => new Inbox(n.pubsub, TOPIC))
    await eventually(() => hub.pubsub.meshPeers(TOPIC).length === 2, 'honest mesh formed', 10_000)
  }, 30_000)

  afterAll(async () => {
    await Promise.all(attackers.map(async a => { await a.stop() }))
    await fixture.stopAll()
  })

  const attacker = async (options?: { noSign?: boolean }): Promise<Attacker> => {
    const created = await Attacker.connect(hub, options)
    attackers.push(created)
    return created
  }

  const delivered = (payload: string): number => inboxes.reduce((sum, inbox) => sum + inbox.texts().filter(t => t === payload).length, 0)

  it('refuses forged, tampered and unsigned messages, and charges only their sender', async () => {
    const mallory = await attacker()
    const tampered = await mallory.signed(utf8('tampered'))
    tampered.data = utf8('TAMPERED')
    // claims to be a leaf's message, carries the attacker's key and signature
    const impersonated = await mallory.signed(utf8('impersonated'), { from: peerIdFromString(honest[1].id).toMultihash().bytes })
    // the same without the key: checked against the leaf's own key, the signature fails
    const keyless = { ...impersonated, key: undefined }
    const unsigned: RPC.Message = { topic: TOPIC, data: utf8('unsigned') }
    mallory.send(hub, tampered, impersonated, keyless, unsigned)

    // a node of the StrictNoSign kind publishing the ordinary way
    const anonymous = await attacker({ noSign: true })
    await anonymous.node.services.pubsub.publish(TOPIC, utf8('anonymous'))

    await eventually(() => (violations.get(hub.id) ?? []).filter(v => v.peer === mallory.id).length === 4, 'four violations charged to the attacker', 5_000)
    await eventually(() => (violations.get(hub.id) ?? []).some(v => v.peer === anonymous.id), 'the unsigning node charged', 5_000)
    for (const v of violations.get(hub.id) ?? []) expect(v).toMatchObject({ protocol: '/meshsub/1.2.0', error: { name: 'InvalidSignatureError' } })
    await sleep(SETTLE_MS)
    for (const payload of ['tampered', 'TAMPERED', 'impersonated', 'unsigned', 'anonymous']) expect(delivered(payload)).toBe(0)
    // four invalid messages: P4 alone is −160, below the graylist threshold (−80)
    expect(invalidDeliveries(hub, mallory.id)).toBeCloseTo(4, 0)
    expect(invalidDeliveries(hub, anonymous.id)).toBeCloseTo(1, 0)
    await eventually(() => hub.pubsub.peerScore(mallory.id) < -80, 'the attacker graylisted by gossipsub', 5_000)
    expect(hub.pubsub.reputation.score(mallory.id)).toBeLessThan(0)
    expect(hub.pubsub.peerScore(anonymous.id)).toBeLessThan(0)
  })

  it('refuses oversized messages', async () => {
    const bulk = await attacker()
    bulk.send(hub, await bulk.signed(new Uint8Array(MAX_BYTES + 1).fill(0x61)))
    await eventually(() => (dropped.get(hub.id) ?? []).some(d => d.from === bulk.id && d.error.name === 'MessageTooLargeError'), 'the oversized message dropped', 5_000)
    expect((dropped.get(hub.id) ?? []).find(d => d.from === bulk.id)).toMatchObject({ verdict: 'reject', origin: bulk.id })
    expect((violations.get(hub.id) ?? []).filter(v => v.peer === bulk.id).map(v => v.error.name)).toEqual(['MessageTooLargeError'])
    await sleep(SETTLE_MS)
    expect(inboxes.some(inbox => inbox.messages.some(m => m.origin === bulk.id))).toBe(false)
    expect(invalidDeliveries(hub, bulk.id)).toBeCloseTo(1, 0)
    await eventually(() => hub.pubsub.peerScore(bulk.id) < 0, 'the sender\'s score lowered', 5_000)
  })

  it('refuses a replay once gossipsub\'s seen cache has forgotten the message, without charging anyone', async () => {
    const replayer = await attacker()
    await eventually(() => hub.pubsub.meshPeers(TOPIC).includes(replayer.id), 'the attacker in the hub\'s mesh', 5_000)
    const original = await honest[1].pubsub.publish(TOPIC, utf8('say it once'))
    await eventually(() => replayer.captured.some(m => text(m.data) === 'say it once'), 'the attacker captures an honest message', 5_000)
    await eventually(() => inboxes[0].withId(original.id).length === 1 && inboxes[2].withId(original.id).length === 1, 'delivered once', 5_000)
    const captured = replayer.captured.find(m => text(m.data) === 'say it once')!
    await sleep(SEEN_TTL_MS + 2 * 250 + 200) // past the seen cache and the heartbeat that prunes it
    replayer.send(hub, rawOf(captured))
    await eventually(() => (dropped.get(hub.id) ?? []).some(d => d.id === original.id), 'the replay dropped', 5_000)
    expect((dropped.get(hub.id) ?? []).find(d => d.id === original.id)).toMatchObject({ verdict: 'ignore', from: replayer.id, origin: honest[1].id, error: { name: 'DuplicateMessageError' } })
    await sleep(SETTLE_MS)
    expect(inboxes[0].withId(original.id)).toHaveLength(1)
    expect(inboxes[2].withId(original.id)).toHaveLength(1)
    expect((violations.get(hub.id) ?? []).some(v => v.peer === replayer.id)).toBe(false)
  })

  it('keeps honest peers in good standing and keeps delivering their messages', async () => {
    for (const n of honest) {
      for (const other of honest) {
        if (other === n) continue
        expect(n.pubsub.peerScore(other.id)).toBeGreaterThanOrEqual(0)
        expect(n.pubsub.reputation.score(other.id)).toBeGreaterThanOrEqual(0)
        expect(invalidDeliveries(n, other.id)).toBe(0)
      }
      const honestIds = honest.map(h => h.id)
      expect((violations.get(n.id) ?? []).filter(v => honestIds.includes(v.peer))).toEqual([])
      expect((dropped.get(n.id) ?? []).filter(d => honestIds.includes(d.from) && d.verdict === 'reject')).toEqual([])
    }
    const after = await honest[2].pubsub.publish(TOPIC, utf8('still here'))
    await eventually(() => inboxes[0].withId(after.id).length === 1 && inboxes[1].withId(after.id).length === 1, 'honest messages still delivered', 5_000)
    const back = await hub.pubsub.publish(TOPIC, utf8('and back'))
    await eventually(() => inboxes[1].withId(back.id).length === 1 && inboxes[2].withId(back.id).length === 1, 'the attacked node still publishes', 5_000)
    expect(back.recipients).toEqual(expect.arrayContaining([honest[1].id, honest[2].id]))
    // a graylisted peer is below the publish threshold: not sent our messages
    expect(back.recipients).not.toContain(attackers[0].id)
  })
})
