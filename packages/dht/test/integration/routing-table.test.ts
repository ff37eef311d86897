import { afterEach, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import type { AddressManager } from '@libp2p/interface-internal'
import { DhtFixture, eventually } from '../fixtures.js'
import { PUBLIC_DHT_PROTOCOL, commonPrefixLength, kadIdOfPeer, type DiversityRefusal } from '../../src/index.js'

describe('routing table (TCP + Noise)', () => {
  const fixture = new DhtFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('caps peers from one network group per bucket; an uncapped node takes them all', async () => {
    const peers = await fixture.network(12, {}, { diversity: false })
    const bootstrap = peers.map(p => p.address)
    // every peer here is on 127.0.0.1: one /16 group once private addresses count
    const capped = await fixture.node({ bootstrap }, { diversity: { includePrivate: true, maxPerBucket: 1, maxPerTable: 100 } })
    const refusals: DiversityRefusal[] = []
    capped.dht.addEventListener('diversity:refused', (event) => { refusals.push(event.detail) })
    const uncapped = await fixture.node({ bootstrap }, { diversity: false })
    await eventually(() => uncapped.dht.status().routingTableSize >= 12, 'the uncapped table holds every peer', 15_000)
    await eventually(() => capped.dht.status().diversityRefusals > 0, 'the capped table refused a peer', 15_000)

    const self = await kadIdOfPeer(capped.id)
    const buckets = await Promise.all(capped.dht.routingTablePeers().map(async id => commonPrefixLength(self, await kadIdOfPeer(id))))
    expect(new Set(buckets).size).toBe(buckets.length)
    expect(buckets.length).toBeLessThan(12)
    expect(refusals.every(r => r.group === 'ip4:127.0/16' && r.scope === 'bucket')).toBe(true)
  }, 60_000)

  it('seeds the routing table from the peer registry at start', async () => {
    const peers = await fixture.network(4)
    const dataDir = `${process.env.TMPDIR ?? '/tmp'}/meshwork-dht-seed-${process.pid}-${Date.now()}`
    const first = await fixture.node({ dataDir, bootstrap: peers.map(p => p.address) })
    await eventually(() => first.node.peers().filter(p => p.addresses.length > 0).length >= 4, 'registry holds the peers')
    await first.node.stop()
    // restarted without any bootstrap: only the persisted registry knows the peers
    const again = await fixture.node({ dataDir })
    await eventually(() => again.dht.status().routingTableSize >= 4, 'table seeded from the registry', 15_000)
  }, 60_000)

  it('automatic mode: a node without a public address is a client of the public DHT, and serves once it has one', async () => {
    const servers = await fixture.network(2, {}, { network: 'public', allowPrivateAddresses: true, mode: 'server' })
    const modes: string[] = []
    const auto = await fixture.node({ bootstrap: [servers[0].address] }, { network: 'public', allowPrivateAddresses: true, mode: 'auto' })
    auto.dht.addEventListener('mode', (event) => { modes.push(event.detail.mode) })
    expect(auto.dht.status().mode).toBe('client')
    expect(auto.node.libp2pNode.getProtocols()).not.toContain(PUBLIC_DHT_PROTOCOL)
    // a client still queries the DHT, and servers keep it out of their tables
    expect((await auto.dht.findPeer(servers[1].id)).id).toBe(servers[1].id)
    expect(servers.some(s => s.dht.routingTablePeers().includes(auto.id))).toBe(false)

    // what AutoNAT does when peers confirm they can dial an address
    const addressManager = (auto.dht.kad as unknown as { components: { addressManager: AddressManager } }).components.addressManager
    const observed = multiaddr('/ip4/93.184.216.34/tcp/4001')
    addressManager.addObservedAddr(observed)
    addressManager.confirmObservedAddr(observed, { type: 'observed' })
    await eventually(() => auto.dht.status().mode === 'server', 'switched to server mode')
    expect(modes).toEqual(['server'])
    expect(auto.node.libp2pNode.getProtocols()).toContain(PUBLIC_DHT_PROTOCOL)
  }, 60_000)
})
