import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { drain } from './drain.js'
import { DhtFixture, eventually, text, utf8, type DhtNode } from '../fixtures.js'
import { lyingKadNode, rogueKadNode, PRIVATE_PROTOCOL } from './hostile-peer.js'
import { signRecord, signedRecordKey, type DhtProgressEvent } from '../../src/index.js'
import type { KadMessage } from '../wire/kad-message.js'
import type { Libp2p } from 'libp2p'

const HOUR = 3_600_000

describe('dht under hostile input (TCP + Noise)', () => {
  const fixture = new DhtFixture({ dht: { rpcTimeoutMs: 1500 } })
  const strangers: Libp2p[] = []
  let nodes: DhtNode[]
  const rejections = new Map<string, string[]>()

  beforeAll(async () => {
    nodes = await fixture.network(4)
    for (const n of nodes) {
      n.dht.addEventListener('record:rejected', (event) => {
        rejections.set(n.id, [...(rejections.get(n.id) ?? []), event.detail.error.name])
      })
    }
    await eventually(() => nodes.every(n => n.dht.status().routingTableSize >= 3), 'routing tables filled', 15_000)
  }, 30_000)
  afterAll(async () => {
    await Promise.all(strangers.map(async s => { await s.stop() }))
    await fixture.stopAll()
  })

  it('refuses forged, wrong-key, expired and replayed records put at it: never stored, never returned', async () => {
    const [alice, , , carol] = nodes
    const rogue = await rogueKadNode()
    strangers.push(rogue)
    await rogue.start()
    for (const n of nodes) await rogue.dial(multiaddr(n.address))
    await eventually(() => rogue.services.dht.getMode() === 'server', 'rogue in server mode')

    const mallory = await generateKeyPair('Ed25519')
    const now = Date.now()
    // 1. Mallory signs a record and stores it under Alice's key.
    const wrongKey = await signRecord({ privateKey: mallory, name: 'profile', value: utf8('evil'), sequence: 9n, expiresAt: now + HOUR })
    // 2. A record whose value was changed after signing.
    const genuine = await signRecord({ privateKey: mallory, name: 'forged', value: utf8('signed'), sequence: 1n, expiresAt: now + HOUR })
    const forged = Uint8Array.from(genuine.bytes)
    forged[forged.indexOf('s'.charCodeAt(0), 40)] ^= 1
    // 3. An expired record.
    const expired = await signRecord({ privateKey: mallory, name: 'expired', value: utf8('old'), sequence: 1n, expiresAt: now - 1 })
    const attempts = [
      { key: signedRecordKey(alice.id, 'profile'), bytes: wrongKey.bytes },
      { key: genuine.key, bytes: forged },
      { key: expired.key, bytes: expired.bytes }
    ]
    for (const attempt of attempts) await drain(rogue.services.dht.put(attempt.key, attempt.bytes))

    // 4. A replay: Alice's sequence-1 record put again after she published sequence 2.
    await alice.dht.put('status', utf8('first'))
    const first = await alice.dht.held(signedRecordKey(alice.id, 'status'))
    await alice.dht.put('status', utf8('second'))
    await drain(rogue.services.dht.put(signedRecordKey(alice.id, 'status'), first ?? new Uint8Array()))

    for (const n of nodes) {
      for (const attempt of attempts) expect(await n.dht.held(attempt.key)).toBeUndefined()
    }
    await expect(carol.dht.get(alice.id, 'profile')).rejects.toMatchObject({ name: 'RecordNotFoundError' })
    await expect(carol.dht.get(peerIdFromPrivateKey(mallory).toString(), 'expired')).rejects.toMatchObject({ name: 'RecordNotFoundError' })
    const status = await carol.dht.get(alice.id, 'status')
    expect(text(status.value)).toBe('second')
    expect(status.sequence).toBe(2n)
    const names = new Set([...rejections.values()].flat())
    for (const name of ['RecordKeyMismatchError', 'RecordSignatureError', 'RecordExpiredError', 'StaleRecordError']) expect(names).toContain(name)
  }, 60_000)

  it('ignores forged records and garbage closer peers from a lying server, and keeps serving', async () => {
    const [alice, bob, , carol] = nodes
    const mallory = await generateKeyPair('Ed25519')
    const forgedForAlice = await signRecord({ privateKey: mallory, name: 'motd', value: utf8('pwned'), sequence: 1000n, expiresAt: Date.now() + HOUR })
    const fakeIds = await Promise.all([1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    const garbagePeers: KadMessage.Peer[] = [
      { id: new Uint8Array(40).fill(7), addrs: [new Uint8Array([1, 2, 3])], connection: 0 },
      ...fakeIds.map(id => ({ id: id.toMultihash().bytes, addrs: [multiaddr('/ip4/0.0.0.0/tcp/0').bytes, multiaddr('/ip4/8.8.8.8').bytes], connection: 0 }))
    ]
    const undecodable = await lyingKadNode({ closer: garbagePeers, record: () => forgedForAlice.bytes })
    const unusable = await lyingKadNode({ closer: garbagePeers.slice(1), record: () => forgedForAlice.bytes })
    strangers.push(undecodable, unusable)
    for (const liar of [undecodable, unusable]) {
      await liar.start()
      for (const n of nodes) await n.node.join([liar.getMultiaddrs()[0].toString()])
    }
    const liarIds = [undecodable.peerId.toString(), unusable.peerId.toString()]
    await eventually(() => nodes.every(n => liarIds.every(id => n.dht.routingTablePeers().includes(id))), 'liars in every routing table', 15_000)

    await alice.dht.put('motd', utf8('hello'))
    const events: DhtProgressEvent[] = []
    const got = await carol.dht.get(alice.id, 'motd', { onProgress: (e) => { events.push(e) } })
    expect(text(got.value)).toBe('hello')
    const invalid = events.filter(e => e.type === 'invalid-record')
    expect(invalid.map(e => e.peer)).toEqual(expect.arrayContaining([unusable.peerId.toString()]))
    expect(invalid.every(e => e.type === 'invalid-record' && e.error.name === 'RecordKeyMismatchError')).toBe(true)

    // lookups still work, and no garbage peer entered a routing table
    expect((await bob.dht.findPeer(carol.id)).id).toBe(carol.id)
    await bob.dht.closestPeers('anything')
    const fake = new Set(fakeIds.map(String))
    for (const n of nodes) expect(n.dht.routingTablePeers().filter(id => fake.has(id))).toEqual([])

    // an empty answer while a peer failed is not conclusive: the lookup runs once more
    const missing: DhtProgressEvent[] = []
    await expect(carol.dht.get(alice.id, 'never-put', { onProgress: (e) => { missing.push(e) } })).rejects.toMatchObject({ name: 'RecordNotFoundError' })
    const askedLiar = missing.filter(e => e.type === 'query-sent' && e.peer === undecodable.peerId.toString())
    expect(missing.some(e => e.type === 'peer-failed' && e.peer === undecodable.peerId.toString())).toBe(true)
    expect(askedLiar.length).toBe(2)
  }, 60_000)

  it('closes a stream that sends malformed RPCs, and keeps serving everyone else', async () => {
    const [alice, bob, carol] = nodes
    const intruder = await rogueKadNode()
    strangers.push(intruder)
    await intruder.start()
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), new Uint8Array([5, 0xff, 0xff, 0xff, 0xff, 0xff]), new Uint8Array(2000).fill(0x80)]) {
      const stream = await intruder.dialProtocol(multiaddr(alice.address), PRIVATE_PROTOCOL)
      stream.send(garbage)
      const started = Date.now()
      await eventually(() => stream.status !== 'open' || stream.readStatus !== 'readable', 'the intruder\'s stream closed', 15_000)
      // a decodable-but-wrong message is refused at once; an endless length prefix at the RPC deadline
      expect(Date.now() - started).toBeLessThan(3_000)
    }
    expect(alice.node.isRunning()).toBe(true)
    expect((await bob.dht.findPeer(carol.id)).id).toBe(carol.id)
    await alice.dht.put('still-here', utf8('yes'))
    expect(text((await carol.dht.get(alice.id, 'still-here')).value)).toBe('yes')
  }, 60_000)
})
