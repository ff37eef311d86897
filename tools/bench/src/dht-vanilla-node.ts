import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { HopTracker, toProgressEvent } from '@meshwork/dht'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { DhtBenchNode, LookupOutcome, NodeSettings } from './dht-node.js'
import { withPeerId } from './dht-node.js'

/** The vanilla side's DHT protocol: its own, so nothing else in the process could answer. */
export const VANILLA_PROTOCOL = '/bench/kad/1.0.0'

/**
 * A vanilla js-libp2p v3 node: memory transport, Noise, Yamux, identify, ping and kad-dht with
 * its defaults (alpha 10, k 20), except server mode and the passthrough address mapper — the
 * LAN settings without which kad-dht drops the `/memory` addresses as non-public. Libp2p's own
 * connection monitor stays on, at the benchmark's heartbeat interval (as the Meshwork side's).
 */
export async function createVanillaNode ({ limits, heartbeatIntervalMs }: NodeSettings): Promise<DhtBenchNode> {
  const libp2p = await createLibp2p({
    addresses: { listen: [`/memory/${crypto.randomUUID()}`] },
    transports: [memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: limits.maxConnections,
      maxIncomingPendingConnections: limits.maxIncomingPending,
      inboundConnectionThreshold: limits.inboundConnectionThreshold
    },
    connectionMonitor: { pingInterval: heartbeatIntervalMs },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: VANILLA_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper })
    }
  })
  const kad: KadDHT & { routingTable: { size: number } } = libp2p.services.dht as any
  const self = libp2p.peerId.toString()
  const counters = { disconnects: 0, unreachable: 0 }
  libp2p.addEventListener('peer:disconnect', () => { counters.disconnects++ })

  return {
    peerId: self,
    addresses: libp2p.getMultiaddrs().map(a => withPeerId(a.toString(), self)),
    async connect (address) {
      await libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(5_000) })
    },
    /**
     * kad-dht's `findPeer`, read the way `MeshDht.findPeer` reads it: the same
     * `toProgressEvent` and `HopTracker` (referrals from responses; the hop of the peer that
     * returned the target), stop at the first FINAL_PEER for the target, time limit by an abort
     * signal.
     */
    async findPeer (target, timeoutMs): Promise<LookupOutcome> {
      const targetId = peerIdFromString(target)
      const tracker = new HopTracker(self)
      let queried = 0
      try {
        for await (const event of kad.findPeer(targetId, { signal: AbortSignal.timeout(timeoutMs) })) {
          const progress = toProgressEvent(event, tracker, () => undefined)
          if (progress?.type === 'query-sent') queried++
          if (progress?.type === 'peer-found' && event.name === 'FINAL_PEER' && event.peer.id.equals(targetId)) {
            const addresses = event.peer.multiaddrs.length
            return { found: addresses > 0, addresses, hops: progress.hop, queried }
          }
        }
        return { found: false, addresses: 0, queried, error: 'NotFoundError' }
      } catch (err) {
        return { found: false, addresses: 0, queried, error: (err as Error).name }
      }
    },
    isConnected: (peer) => libp2p.getConnections(peerIdFromString(peer)).length > 0,
    async knownPeers () {
      const known = new Set(libp2p.getPeers().map(p => p.toString()))
      for (const peer of await libp2p.peerStore.all()) known.add(peer.id.toString())
      return known
    },
    knows: async (peer) => libp2p.getConnections(peerIdFromString(peer)).length > 0 || await libp2p.peerStore.has(peerIdFromString(peer)),
    routingTableSize: () => kad.routingTable.size,
    connectionCount: () => libp2p.getConnections().length,
    linkCounters: () => ({ ...counters }),
    async stop () { await libp2p.stop() }
  }
}
