import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { MeshEvents } from '@meshwork/core-mesh'
import type { DroppedMessage } from '../../src/pubsub/index.js'
import { Inbox, PubSubFixture, eventually, liveHandles, noMoreHandlesThan, sleep, utf8, type PubSubNode } from './pubsub-fixtures.js'

const MAX_BYTES = 4096
/** Long enough for gossip (IHAVE/IWANT) to bring any stray duplicate. */
const SETTLE_MS = 4 * 250

describe('pub/sub between five Meshwork nodes (TCP + Noise + Yamux, gossipsub 16)', () => {
  const fixture = new PubSubFixture({ pubsub: { validation: { maxMessageBytes: MAX_BYTES } } })
  let nodes: PubSubNode[]
  let inboxes: Inbox[]
  let baseline: Record<string, number>

  beforeAll(async () => {
    baseline = liveHandles()
    nodes = await fixture.star(5)
    inboxes = nodes.map(n => new Inbox(n.pubsub, 'news'))
    const [hub, ...leaves] = nodes
    await eventually(() => hub.pubsub.meshPeers('news').length === 4 && leaves.every(l => l.pubsub.meshPeers('news').includes(hub.id)), 'topic meshes formed', 15_000)
  }, 30_000)

  afterAll(async () => { await fixture.stopAll() })

  it('delivers a message once to every subscriber and not to its publisher', async () => {
    const [hub, , , publisher] = nodes
    const result = await publisher.pubsub.publish('news', utf8('hello mesh'), { signal: AbortSignal.timeout(5_000) })
    expect(result.recipients).toEqual([hub.id])
    const subscribers = inboxes.filter((_, i) => i !== 3)
    await eventually(() => subscribers.every(inbox => inbox.withId(result.id).length === 1), 'every subscriber has the message', 5_000)
    await sleep(SETTLE_MS)
    for (const inbox of subscribers) expect(inbox.withId(result.id)).toHaveLength(1)
    expect(inboxes[3].messages).toHaveLength(0)
    const [atHub] = inboxes[0].withId(result.id)
    expect(atHub).toMatchObject({ topic: 'news', origin: publisher.id, from: publisher.id })
    expect(inboxes[1].withId(result.id)[0]).toMatchObject({ origin: publisher.id, from: hub.id })
  })

  it('reports subscribers and topics', () => {
    const [hub, ...leaves] = nodes
    expect(hub.pubsub.subscribers('news').sort()).toEqual(leaves.map(l => l.id).sort())
    for (const leaf of leaves) expect(leaf.pubsub.subscribers('news')).toEqual([hub.id])
    expect(hub.pubsub.topics()).toEqual(['news'])
    expect(hub.pubsub.subscribers('nobody-here')).toEqual([])
  })

  it('stops delivery when the last handler of a topic goes', async () => {
    const [hub, a, b, c] = nodes
    const weather = nodes.map(n => new Inbox(n.pubsub, 'weather'))
    const second = new Inbox(c.pubsub, 'weather')
    await eventually(() => hub.pubsub.meshPeers('weather').length === 4, 'weather mesh formed', 10_000)

    // one of two handlers gone: the node still reads the topic
    weather[3].unsubscribe()
    const first = await a.pubsub.publish('weather', utf8('sunny'))
    await eventually(() => second.withId(first.id).length === 1 && weather[2].withId(first.id).length === 1, 'delivered to the remaining handler', 5_000)
    expect(weather[3].withId(first.id)).toHaveLength(0)

    // the last one gone: the node leaves the topic and its peers learn of it
    second.unsubscribe()
    second.unsubscribe() // twice is harmless
    expect(c.pubsub.topics()).toEqual(['news'])
    await eventually(() => !hub.pubsub.subscribers('weather').includes(c.id), 'the hub learns that the node left', 5_000)
    const next = await b.pubsub.publish('weather', utf8('rainy'))
    await eventually(() => weather[1].withId(next.id).length === 1 && weather[4].withId(next.id).length === 1, 'delivered to the others', 5_000)
    await sleep(SETTLE_MS)
    expect(second.withId(next.id)).toHaveLength(0)
    for (const inbox of weather) inbox.unsubscribe()
  })

  it('drops what a validator rejects, charges the peer that sent it, and keeps delivering', async () => {
    const [hub, publisher, validating] = nodes
    const dropped: DroppedMessage[] = []
    const violations: Array<MeshEvents['violation']> = []
    validating.pubsub.addEventListener('message:dropped', (event) => { dropped.push(event.detail) })
    validating.node.addEventListener('violation', (event) => { violations.push(event.detail) })
    const removeValidator = validating.pubsub.addValidator('news', (message) => new TextDecoder().decode(message.data).startsWith('spam') ? 'reject' : 'accept')

    const spam = await publisher.pubsub.publish('news', utf8('spam, spam, spam'))
    await eventually(() => [0, 3, 4].every(i => inboxes[i].withId(spam.id).length === 1), 'the others deliver it', 5_000)
    await eventually(() => dropped.some(d => d.id === spam.id), 'the validating node drops it', 5_000)
    expect(inboxes[2].withId(spam.id)).toHaveLength(0)
    expect(dropped.find(d => d.id === spam.id)).toMatchObject({ verdict: 'reject', from: hub.id, origin: publisher.id, error: { name: 'MessageRejectedError' } })
    expect(violations.map(v => [v.peer, v.error.name])).toContainEqual([hub.id, 'MessageRejectedError'])

    const ham = await publisher.pubsub.publish('news', utf8('ham'))
    await eventually(() => inboxes[2].withId(ham.id).length === 1, 'the validating node still delivers valid messages', 5_000)
    removeValidator()
  })

  it('refuses locally what breaks the limits, with typed errors', async () => {
    const [hub] = nodes
    await expect(hub.pubsub.publish('news', new Uint8Array(MAX_BYTES + 1))).rejects.toMatchObject({ name: 'PayloadTooLargeError', size: MAX_BYTES + 1, maxSize: MAX_BYTES })
    await expect(hub.pubsub.publish('nobody-subscribes', utf8('anyone?'))).rejects.toMatchObject({ name: 'NoSubscribersError', topic: 'nobody-subscribes' })
    await expect(hub.pubsub.publish('', utf8('x'))).rejects.toMatchObject({ name: 'TopicNameError' })
    expect(() => hub.pubsub.subscribe('x'.repeat(257), () => {})).toThrow(expect.objectContaining({ name: 'TopicNameError' }))
    // exactly the limit is fine
    const full = await hub.pubsub.publish('news', new Uint8Array(MAX_BYTES))
    await eventually(() => inboxes[1].withId(full.id).length === 1, 'a message of exactly the limit arrives', 5_000)
  })

  it('honours an aborted signal', async () => {
    const [, a] = nodes
    const before = inboxes.map(i => i.messages.length)
    await expect(a.pubsub.publish('news', utf8('never sent'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    await expect(a.pubsub.start({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    await sleep(SETTLE_MS)
    expect(inboxes.map(i => i.messages.length)).toEqual(before)
  })

  it('stops cleanly and leaves no handles behind', async () => {
    const [hub] = nodes
    expect(noMoreHandlesThan(baseline)).toBe(false) // the check can fail: the nodes hold sockets now
    await fixture.stopAll()
    expect(hub.pubsub.topics()).toEqual([])
    expect(() => hub.pubsub.subscribe('news', () => {})).toThrow(expect.objectContaining({ name: 'NotStartedError' }))
    await expect(hub.pubsub.publish('news', utf8('late'))).rejects.toMatchObject({ name: 'NotStartedError' })
    await eventually(() => noMoreHandlesThan(baseline), `handles back to the baseline ${JSON.stringify(baseline)} (now ${JSON.stringify(liveHandles())})`, 10_000, 100)
  })
})
