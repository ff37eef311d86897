import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { DhtFixture, eventually, type DhtNode } from '../fixtures.js'
import { PUBLIC_DHT_PROTOCOL, serviceCid } from '../../src/index.js'

type VanillaNode = Libp2p<{ dht: KadDHT }>

/** A libp2p node as any libp2p user builds it: vanilla kad-dht on the standard protocol. */
async function vanillaNode (): Promise<VanillaNode> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    // LAN settings: server mode on a loopback address, and keep loopback addresses
    services: { identify: identify(), ping: ping(), dht: kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper }) }
  })
}

async function first<T> (source: AsyncIterable<T>, match: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of source) if (match(item)) return item
  return undefined
}

function pkKey (peer: string): Uint8Array {
  const mh = peerIdFromString(peer).toMultihash().bytes
  return Uint8Array.from([...new TextEncoder().encode('/pk/'), ...mh])
}

describe('one DHT shared by vanilla kad-dht nodes and Meshwork nodes (standard protocol, TCP + Noise)', () => {
  const fixture = new DhtFixture({ dht: { network: 'public', allowPrivateAddresses: true } })
  const vanilla: VanillaNode[] = []
  let meshwork: DhtNode[]

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const node = await vanillaNode()
      await node.start()
      if (i > 0) await node.dial(vanilla[0].getMultiaddrs()[0])
      vanilla.push(node)
    }
    meshwork = []
    for (let i = 0; i < 3; i++) meshwork.push(await fixture.node({ bootstrap: [vanilla[i].getMultiaddrs()[0].toString()] }))
    expect(meshwork[0].dht.status().protocol).toBe(PUBLIC_DHT_PROTOCOL)
    // every routing table holds peers of both kinds
    const vanillaIds = vanilla.map(v => v.peerId.toString())
    await eventually(() => meshwork.every(m => m.dht.routingTablePeers().some(id => vanillaIds.includes(id))), 'vanilla peers in Meshwork tables', 20_000)
    const tableSize = (v: VanillaNode): number => (v.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
    await eventually(() => vanilla.every(v => tableSize(v) >= 3), 'vanilla tables filled', 20_000)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(vanilla.map(async v => { await v.stop() }))
    await fixture.stopAll()
  })

  it('each side finds the other\'s peers', async () => {
    // the six nodes have only just met: give the tables a moment, then the lookup must succeed
    let found: Awaited<ReturnType<DhtNode['dht']['findPeer']>> | undefined
    await eventually(async () => {
      found = await meshwork[2].dht.findPeer(vanilla[1].peerId.toString()).catch((err: Error) => { expect(err.name).toBe('PeerNotFoundError'); return undefined })
      return found !== undefined
    }, 'a Meshwork node finds a vanilla peer', 15_000)
    expect(found?.addresses.length).toBeGreaterThan(0)
    const event = await first(vanilla[0].services.dht.findPeer(peerIdFromString(meshwork[2].id), { signal: AbortSignal.timeout(10_000) }), e => e.name === 'FINAL_PEER')
    expect(event?.name === 'FINAL_PEER' && event.peer.id.toString()).toBe(meshwork[2].id)
  }, 30_000)

  it('each side reads the other\'s records (standard /pk/ public-key records)', async () => {
    // a vanilla node publishes its public key; a Meshwork node reads it
    const v = vanilla[1]
    const vKey = pkKey(v.peerId.toString())
    for await (const _ of v.services.dht.put(vKey, publicKeyToProtobuf(v.peerId.publicKey!), { signal: AbortSignal.timeout(10_000) })) { /* drain */ }
    const read = await meshwork[0].dht.getValue(vKey)
    expect(Buffer.from(read.value).equals(Buffer.from(publicKeyToProtobuf(v.peerId.publicKey!)))).toBe(true)

    // a Meshwork node publishes its public key; a vanilla node reads it
    const m = meshwork[1]
    const mKey = pkKey(m.id)
    const mPublicKey = publicKeyToProtobuf(m.node.libp2pNode.peerId.publicKey!)
    const put = await m.dht.putValue(mKey, mPublicKey)
    expect(put.storedAt.some(id => vanilla.some(x => x.peerId.toString() === id))).toBe(true)
    const event = await first(vanilla[2].services.dht.get(mKey, { signal: AbortSignal.timeout(10_000) }), e => e.name === 'VALUE')
    expect(event?.name === 'VALUE' && Buffer.from(event.value).equals(Buffer.from(mPublicKey))).toBe(true)
  }, 30_000)

  it('each side finds the other\'s providers', async () => {
    const cid = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('shared content')))
    for await (const _ of vanilla[0].services.dht.provide(cid, { signal: AbortSignal.timeout(10_000) })) { /* drain */ }
    const providers = await meshwork[2].dht.findProviders(cid)
    expect(providers.map(p => p.id)).toContain(vanilla[0].peerId.toString())

    await meshwork[0].dht.provide('service/interop')
    const wanted = await serviceCid('service/interop')
    const event = await first(vanilla[2].services.dht.findProviders(wanted, { signal: AbortSignal.timeout(10_000) }), e => e.name === 'PROVIDER' && e.providers.some(p => p.id.toString() === meshwork[0].id))
    expect(event).toBeDefined()
  }, 30_000)

  it('keeps Meshwork\'s signed records to the nodes that can check them', async () => {
    const put = await meshwork[0].dht.put('interop-note', new TextEncoder().encode('hi'))
    // vanilla nodes have no validator for /mw-signed/ and refuse to store it
    expect(put.storedAt.filter(id => vanilla.some(v => v.peerId.toString() === id))).toEqual([])
    expect(put.storedAt.length).toBeGreaterThan(0)
    expect(new TextDecoder().decode((await meshwork[2].dht.get(meshwork[0].id, 'interop-note')).value)).toBe('hi')
  }, 30_000)
})
