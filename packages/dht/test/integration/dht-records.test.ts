import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DhtFixture, eventually, text, utf8, type DhtNode } from '../fixtures.js'
import type { DhtProgressEvent } from '../../src/index.js'

describe('dht over TCP + Noise', () => {
  const fixture = new DhtFixture()
  let nodes: DhtNode[]

  beforeAll(async () => {
    nodes = await fixture.network(6)
    await eventually(() => nodes.every(n => n.dht.status().routingTableSize >= 3), 'routing tables filled', 15_000)
  }, 30_000)
  afterAll(async () => { await fixture.stopAll() })

  it('puts a signed record that every node can get, newest sequence winning', async () => {
    const [a] = nodes
    const first = await a.dht.put('greeting', utf8('hello'))
    expect(first.sequence).toBe(1n)
    expect(first.storedAt.length).toBeGreaterThan(0)
    const second = await a.dht.put('greeting', utf8('hello again'))
    expect(second.sequence).toBe(2n)
    for (const reader of nodes) {
      const got = await reader.dht.get(a.id, 'greeting')
      expect(text(got.value)).toBe('hello again')
      expect(got.sequence).toBe(2n)
      expect(got.owner).toBe(a.id)
    }
    // with a quorum the lookup ends early, still with a checked record
    const quick = await nodes[5].dht.get(a.id, 'greeting', { quorum: 1 })
    expect(text(quick.value)).toBe('hello again')
  }, 30_000)

  it('stores content-addressed records under their CID', async () => {
    const put = await nodes[1].dht.putContent(utf8('immutable bytes'))
    expect(put.key).toBe(`/mw-content/${put.cid}`)
    const got = await nodes[5].dht.getContent(put.cid)
    expect(text(got.value)).toBe('immutable bytes')
  }, 30_000)

  it('announces a service and finds its providers', async () => {
    await nodes[2].dht.provide('service/search')
    await nodes[3].dht.provide('service/search')
    const providers = await nodes[5].dht.findProviders('service/search')
    expect(providers.map(p => p.id).sort()).toEqual([nodes[2].id, nodes[3].id].sort())
    expect(providers.every(p => p.addresses.length > 0)).toBe(true)
  }, 30_000)

  it('finds a peer and the closest peers, with typed progress events', async () => {
    const events: DhtProgressEvent[] = []
    const found = await nodes[4].dht.findPeer(nodes[1].id, { onProgress: (e) => { events.push(e) } })
    expect(found.id).toBe(nodes[1].id)
    expect(found.addresses.length).toBeGreaterThan(0)
    const closest = await nodes[0].dht.closestPeers('some key', { count: 3 })
    expect(closest).toHaveLength(3)
    expect(new Set(closest).size).toBe(3)
  }, 30_000)

  it('aborts a query with the caller\'s reason', async () => {
    const controller = new AbortController()
    const reason = new Error('caller gave up')
    const query = nodes[0].dht.get(nodes[0].id, 'nothing-here', { signal: controller.signal })
    controller.abort(reason)
    await expect(query).rejects.toBe(reason)
  }, 30_000)
})
