import { peerIdFromString } from '@libp2p/peer-id'
import { createMeshNode } from '@meshwork/core-mesh'
import { withDht, type MeshDht } from '@meshwork/dht'
import type { DhtBenchNode, LookupOutcome, NodeSettings } from './dht-node.js'
import { withPeerId } from './dht-node.js'

/**
 * A Meshwork node with the DHT as a user gets it: `createMeshNode(withDht(…, { mode: 'server' }))`
 * on the memory transport (Noise + Yamux), looked up with `dht.findPeer`. Departures from the
 * defaults, all on the command line: connection limits (both sides alike), the heartbeat and
 * the random-walk interval (see README).
 */
export async function createMeshworkNode ({ limits, heartbeatIntervalMs, meshwork }: NodeSettings): Promise<DhtBenchNode> {
  const node = await createMeshNode(withDht({
    transport: 'memory',
    limits: {
      maxConnections: limits.maxConnections,
      maxIncomingPending: limits.maxIncomingPending,
      inboundConnectionThreshold: limits.inboundConnectionThreshold
    },
    heartbeat: { intervalMs: heartbeatIntervalMs, timeoutMs: meshwork.heartbeatTimeoutMs }
  }, { mode: 'server', randomWalkIntervalMs: meshwork.randomWalkIntervalMs, alpha: meshwork.alpha }))
  const counters = { disconnects: 0, unreachable: 0 }
  node.addEventListener('peer:disconnect', () => { counters.disconnects++ })
  node.addEventListener('peer:unreachable', () => { counters.unreachable++ })
  await node.start()
  const dht = node.service<MeshDht>('dht')
  if (dht === undefined) throw new Error('the mesh node has no dht service')
  const libp2p = node.libp2pNode

  return {
    peerId: node.peerId,
    addresses: node.addresses().map(a => withPeerId(a, node.peerId)),
    async connect (address) {
      const { failed } = await node.join([address])
      if (failed.length > 0) throw new Error(`join ${address}: ${failed[0].error}`)
    },
    async findPeer (target, timeoutMs): Promise<LookupOutcome> {
      let queried = 0
      try {
        const found = await dht.findPeer(target, {
          timeoutMs,
          onProgress: (event) => { if (event.type === 'query-sent') queried++ }
        })
        return { found: found.addresses.length > 0, addresses: found.addresses.length, hops: found.hops, queried: found.queried }
      } catch (err) {
        return { found: false, addresses: 0, queried, error: (err as Error).name }
      }
    },
    isConnected: (peer) => node.connectedPeers().includes(peer),
    async knownPeers () {
      const known = new Set(node.connectedPeers())
      for (const peer of await libp2p.peerStore.all()) known.add(peer.id.toString())
      return known
    },
    knows: async (peer) => node.connectedPeers().includes(peer) || await libp2p.peerStore.has(peerIdFromString(peer)),
    routingTableSize: () => dht.status().routingTableSize,
    connectionCount: () => libp2p.getConnections().length,
    linkCounters: () => ({ ...counters }),
    async stop () { await node.stop() }
  }
}
