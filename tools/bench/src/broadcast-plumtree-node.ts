import { createMeshNode } from '@meshwork/core-mesh'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { plumtreeBroadcast, type PlumtreeBroadcast, type PlumtreeCore, type PlumtreeMessage } from '@meshwork/gossip'
import { withPeerId, type BroadcastBenchNode, type BroadcastNodeSettings, type DeliveryHandler } from './broadcast-node.js'

/**
 * A Meshwork node with Plumtree as a user gets it: `createMeshNode({ broadcast:
 * plumtreeBroadcast({ view: 'connected-peers' }) })` on the memory transport (Noise + Yamux),
 * Plumtree's defaults, the default validation pipeline (every broadcast signed, every first copy
 * verified). The tree is built over the peers the node is connected to — the benchmark's seeded
 * topology, the same links gossipsub gets — not over a SWIM member list, which would let
 * Plumtree dial links gossipsub does not have (see docs/benchmarks.md).
 *
 * Departures from core-mesh's defaults, both on the command line: the heartbeat interval and
 * timeout, and raised connection limits (alike on both sides). `--plumtree` can set Plumtree
 * tunables, to try a default before changing it; the benchmark's own runs use none. The node's random source is
 * seeded, so that Plumtree's choice of eager links replays with the seed.
 */
export async function createPlumtreeNode ({ limits, heartbeatIntervalMs, meshHeartbeatTimeoutMs, plumtree, seed, index }: BroadcastNodeSettings): Promise<BroadcastBenchNode> {
  const node = await createMeshNode({
    transport: 'memory',
    limits: {
      maxConnections: limits.maxConnections,
      maxIncomingPending: limits.maxIncomingPending,
      inboundConnectionThreshold: limits.inboundConnectionThreshold
    },
    heartbeat: { intervalMs: heartbeatIntervalMs, timeoutMs: meshHeartbeatTimeoutMs },
    random: new SeededRandom(seed).fork(`meshwork-node-${index}`),
    broadcast: plumtreeBroadcast({ view: 'connected-peers', config: plumtree })
  })
  const links = { disconnects: 0, unreachable: 0 }
  node.addEventListener('peer:disconnect', () => { links.disconnects++ })
  node.addEventListener('peer:unreachable', () => { links.unreachable++ })
  await node.start()
  const broadcast = node.service<PlumtreeBroadcast>('plumtree')
  if (broadcast === undefined) throw new Error('the mesh node has no plumtree service')
  const announced = countAnnouncements(broadcast)

  return {
    peerId: node.peerId,
    addresses: node.addresses().map(a => withPeerId(a, node.peerId)),
    async connect (address) {
      const { failed } = await node.join([address])
      if (failed.length > 0) throw new Error(`join ${address}: ${failed[0].error}`)
    },
    async publish (data) {
      await node.broadcast(data)
    },
    onDeliver (handler: DeliveryHandler) {
      node.onBroadcast(message => { handler(message.data, message.from) })
    },
    counters () {
      const stats = broadcast.stats()
      return { payloadCopies: stats.gossipReceived, announcedIds: announced(), pulls: stats.repairGrafts, suppressions: stats.prunesSent }
    },
    overlay () {
      const stats = broadcast.stats()
      return { push: stats.eagerPeers, announce: stats.lazyPeers, connections: node.connectedPeers().length }
    },
    connectedPeers: () => node.connectedPeers(),
    linkCounters: () => ({ ...links }),
    async stop () { await node.stop() }
  }
}

/**
 * Count the message ids announced to this node (IHAVE). Plumtree's stats do not count them, so
 * this wraps the started core's `receive` — benchmark instrumentation on a private field; the
 * count reads NaN if the field is ever renamed, and nothing else depends on it.
 */
function countAnnouncements (broadcast: PlumtreeBroadcast): () => number {
  const core = (broadcast as unknown as { core?: PlumtreeCore }).core
  if (core === undefined || typeof core.receive !== 'function') return () => Number.NaN
  let ids = 0
  const receive = core.receive.bind(core)
  core.receive = (from: string, message: PlumtreeMessage): void => {
    if (message.type === 'ihave') ids += message.announcements.length
    receive(from, message)
  }
  return () => ids
}
