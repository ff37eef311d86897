import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { GossipsubMessage } from '@libp2p/gossipsub'
import { Inbox, PubSubFixture, eventually, sleep, text, utf8, vanillaNode, type PubSubNode, type VanillaNode } from './pubsub-fixtures.js'

const TOPIC = 'interop'

type VanillaInternals = { getMeshPeers: (topic: string) => string[], getScore: (peer: string) => number }

/**
 * One stock js-libp2p node (createLibp2p + @libp2p/gossipsub, default options) between three
 * Meshwork nodes: every Meshwork node is connected to the vanilla node only, so whatever
 * crosses between Meshwork nodes is relayed by vanilla gossipsub.
 */
describe('pub/sub between a vanilla libp2p gossipsub node and Meshwork nodes', () => {
  const fixture = new PubSubFixture()
  let vanilla: VanillaNode
  let meshwork: PubSubNode[]
  let inboxes: Inbox[]
  const atVanilla: GossipsubMessage[] = []

  beforeAll(async () => {
    vanilla = await vanillaNode()
    await vanilla.start()
    const address = vanilla.getMultiaddrs()[0].toString()
    meshwork = await Promise.all([0, 1, 2].map(async () => await fixture.node({ bootstrap: [address] })))
    vanilla.services.pubsub.addEventListener('gossipsub:message', (event) => { atVanilla.push(event.detail) })
    vanilla.services.pubsub.subscribe(TOPIC)
    inboxes = meshwork.map(m => new Inbox(m.pubsub, TOPIC))
    const internals = vanilla.services.pubsub as unknown as VanillaInternals
    await eventually(() => internals.getMeshPeers(TOPIC).length === 3 && meshwork.every(m => m.pubsub.meshPeers(TOPIC).includes(vanilla.peerId.toString())), 'meshes formed across both kinds', 15_000)
  }, 30_000)

  afterAll(async () => {
    await fixture.stopAll()
    await vanilla?.stop()
  })

  it('Meshwork nodes receive what the vanilla node publishes', async () => {
    const sent = await vanilla.services.pubsub.publish(TOPIC, utf8('from vanilla'))
    expect(sent.recipients.map(String).sort()).toEqual(meshwork.map(m => m.id).sort())
    await eventually(() => inboxes.every(inbox => inbox.texts().includes('from vanilla')), 'every Meshwork node has it', 5_000)
    const copies = inboxes.map(inbox => inbox.messages.find(m => text(m.data) === 'from vanilla'))
    for (const copy of copies) expect(copy).toMatchObject({ topic: TOPIC, origin: vanilla.peerId.toString(), from: vanilla.peerId.toString() })
    expect(new Set(copies.map(c => c?.id)).size).toBe(1)
  })

  it('the vanilla node, and Meshwork nodes through it, receive what a Meshwork node publishes', async () => {
    const [m0, m1, m2] = meshwork
    const result = await m1.pubsub.publish(TOPIC, utf8('from meshwork'))
    expect(result.recipients).toEqual([vanilla.peerId.toString()])
    await eventually(() => atVanilla.some(m => m.msgId === result.id), 'the vanilla node has it, under the same message id', 5_000)
    const received = atVanilla.find(m => m.msgId === result.id)
    expect(received?.msg.type === 'signed' && received.msg.from.toString()).toBe(m1.id)
    expect(received?.propagationSource.toString()).toBe(m1.id)
    // relayed by vanilla gossipsub to the other Meshwork nodes
    await eventually(() => [0, 2].every(i => inboxes[i].withId(result.id).length === 1), 'the other Meshwork nodes have it', 5_000)
    expect(inboxes[0].withId(result.id)[0]).toMatchObject({ origin: m1.id, from: vanilla.peerId.toString() })
    await sleep(1_000)
    expect(inboxes[1].withId(result.id)).toHaveLength(0)
    expect([m0, m2].map(m => inboxes[meshwork.indexOf(m)].withId(result.id).length)).toEqual([1, 1])
  })

  it('keeps every peer in good standing on both sides', () => {
    const internals = vanilla.services.pubsub as unknown as VanillaInternals
    for (const m of meshwork) {
      expect(m.pubsub.peerScore(vanilla.peerId.toString())).toBeGreaterThanOrEqual(0)
      expect(internals.getScore(m.id)).toBeGreaterThanOrEqual(0)
    }
  })
})
