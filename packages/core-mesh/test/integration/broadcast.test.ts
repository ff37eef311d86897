import { afterEach, describe, expect, it } from '@jest/globals'
import { type ForwardRecord, type MeshNode } from '../../src/index.js'
import { NodeFixture, eventually, text, utf8 } from './fixtures.js'

describe('default flood broadcast over real nodes', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('reaches every node of a line once, with forwards reported to the RelayObserver', async () => {
    const forwards: ForwardRecord[] = []
    const nodes: MeshNode[] = []
    for (let i = 0; i < 5; i++) {
      nodes.push(await fixture.node({ relayObserver: { onForward: (record) => { forwards.push(record) } } }))
    }
    // A line plus one chord: 0-1-2-3-4 and 1-3, so some nodes get duplicates to drop.
    for (let i = 1; i < 5; i++) await nodes[i].join(nodes[i - 1].addresses())
    await nodes[3].join(nodes[1].addresses())
    const received = nodes.map(() => [] as string[])
    nodes.forEach((node, i) => node.onBroadcast((message) => { received[i].push(`${text(message.data)}@${message.hops}`) }))
    await nodes[0].broadcast(utf8('hello'))
    await eventually(() => received.slice(1).every(r => r.length === 1), 'all four received')
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(received[0]).toEqual([])
    expect(received.slice(1).map(r => r.length)).toEqual([1, 1, 1, 1])
    expect(received[4][0]).toMatch(/^hello@[34]$/)
    expect(forwards.length).toBeGreaterThanOrEqual(3)
    expect(forwards.every(f => f.service === 'flood' && f.origin === nodes[0].peerId && f.bytes === 5)).toBe(true)
  })

  it('rate limits slow a flooding peer down without losing its messages', async () => {
    const receiver = await fixture.node({ limits: { messagesPerSecond: 100, burstSeconds: 0.2 } })
    const sender = await fixture.node()
    await sender.join(receiver.addresses())
    const got: string[] = []
    receiver.onMessage(({ data }) => { got.push(text(data)) })
    const started = Date.now()
    for (let i = 0; i < 80; i++) await sender.send(receiver.peerId, utf8(`m${i}`))
    await eventually(() => got.length === 80, 'all 80 messages')
    // 20 in the burst, the other 60 at 100/s: at least ~0.6 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
    expect(got).toEqual(Array.from({ length: 80 }, (_, i) => `m${i}`))
  })
})
