import { createGossipsubNode } from './broadcast-gossipsub-node.js'
import type { BroadcastBenchNode, BroadcastNodeSettings, BroadcastSideId, DeliveryHandler } from './broadcast-node.js'
import { createPlumtreeNode } from './broadcast-plumtree-node.js'
import type { Edge } from './dht-topology.js'
import { buildTopology, spread, type BuildReport as TopologyReport, type Spread } from './topology-build.js'
import { measureUtilisation } from './event-loop-quiet.js'

export type BuildReport = TopologyReport<BroadcastSideId>

export interface SettleParams {
  /** Never settle before this. */
  minMs: number
  /** Give up (and go on) after this. */
  maxMs: number
  pollMs: number
  /** The total of push links over the last three polls may move by at most this fraction. */
  tolerance: number
  /** … and the event loop must have been at most this busy (0..1) over the last poll. */
  maxUtilisation: number
}

export interface SettleReport {
  settled: boolean
  elapsedMs: number
  /** Nodes whose overlay was not ready at the end (see `BroadcastNetwork.notReady`). */
  notReady: number
  trace: Array<{ atMs: number, utilisation: number, pushMean: number, notReady: number }>
}

export interface NetworkSnapshot {
  push: Spread
  announce: Spread
  connections: Spread
  disconnects: number
  /** Meshwork only: peers declared unreachable by core-mesh's link monitor. */
  unreachable: number
  /** Seeded topology links that are down, and links up that the topology does not have. */
  topology: { missing: number, extra: number }
  rssMiB: number
  heapMiB: number
}

const FACTORIES: Record<BroadcastSideId, (settings: BroadcastNodeSettings) => Promise<BroadcastBenchNode>> = {
  meshwork: createPlumtreeNode,
  gossipsub: createGossipsubNode
}

/**
 * One side's N nodes in this thread, connected by the shared topology. Deliveries of every
 * node go to one receiver, which the running phase sets.
 */
export class BroadcastNetwork {
  private readonly index: Map<string, number>
  /** Receives (node index, payload, index of the neighbour it came from — -1 if unknown). */
  receiver: ((node: number, data: Uint8Array, from: number) => void) | undefined

  private constructor (readonly side: BroadcastSideId, readonly nodes: readonly BroadcastBenchNode[], private readonly edges: readonly Edge[]) {
    this.index = new Map(nodes.map((node, i) => [node.peerId, i]))
    nodes.forEach((node, i) => {
      const deliver: DeliveryHandler = (data, from) => { this.receiver?.(i, data, this.index.get(from) ?? -1) }
      node.onDeliver(deliver)
    })
  }

  /** Start `count` nodes, then make the topology's dials, a few at a time, retrying each once. */
  static async build (side: BroadcastSideId, count: number, edges: readonly Edge[], settings: Omit<BroadcastNodeSettings, 'index'>): Promise<{ network: BroadcastNetwork, report: BuildReport }> {
    const { nodes, report } = await buildTopology(side, count, edges, i => FACTORIES[side]({ ...settings, index: i }))
    return { network: new BroadcastNetwork(side, nodes, edges), report }
  }

  /**
   * Nodes whose overlay is not formed yet: some connected peer is in neither of its sets (a
   * Plumtree view that missed a connection, a gossipsub subscription not yet exchanged), or it
   * has no push link at all. (A gossipsub mesh below Dlo does not count: a peer pruned by
   * neighbours at Dhi sits out the prune backoff, a minute, and that is gossipsub as it runs.)
   */
  notReady (): number {
    return this.nodes.filter(node => {
      const { push, announce, connections } = node.overlay()
      return push + announce < connections || (push === 0 && connections > 0)
    }).length
  }

  /** Compare the links up with the seeded topology. */
  topologyCheck (): { missing: number, extra: number } {
    const wanted = new Set(this.edges.map(([a, b]) => a < b ? `${a}-${b}` : `${b}-${a}`))
    const up = new Set<string>()
    this.nodes.forEach((node, i) => {
      for (const peer of node.connectedPeers()) {
        const j = this.index.get(peer)
        if (j !== undefined) up.add(i < j ? `${i}-${j}` : `${j}-${i}`)
      }
    })
    return {
      missing: [...wanted].filter(link => !up.has(link)).length,
      extra: [...up].filter(link => !wanted.has(link)).length
    }
  }

  /**
   * Wait until every node's overlay is formed, the total of push links has stopped moving and
   * the start-up work (handshakes, identify, subscriptions, grafts) has died down.
   */
  async settle (params: SettleParams): Promise<SettleReport> {
    const started = performance.now()
    const trace: SettleReport['trace'] = []
    for (;;) {
      const utilisation = await measureUtilisation(params.pollMs)
      const atMs = performance.now() - started
      const notReady = this.notReady()
      const pushMean = spread(this.nodes.map(node => node.overlay().push)).mean
      trace.push({ atMs, utilisation, pushMean, notReady })
      const recent = trace.slice(-3).map(t => t.pushMean)
      const steady = recent.length === 3 && Math.max(...recent) - Math.min(...recent) <= params.tolerance * Math.max(1, pushMean)
      if (atMs >= params.minMs && notReady === 0 && steady && utilisation <= params.maxUtilisation) return { settled: true, elapsedMs: atMs, notReady, trace }
      if (atMs >= params.maxMs) return { settled: false, elapsedMs: atMs, notReady, trace }
    }
  }

  snapshot (): NetworkSnapshot {
    const overlays = this.nodes.map(node => node.overlay())
    const memory = process.memoryUsage()
    return {
      push: spread(overlays.map(o => o.push)),
      announce: spread(overlays.map(o => o.announce)),
      connections: spread(overlays.map(o => o.connections)),
      disconnects: this.nodes.reduce((sum, node) => sum + node.linkCounters().disconnects, 0),
      unreachable: this.nodes.reduce((sum, node) => sum + node.linkCounters().unreachable, 0),
      topology: this.topologyCheck(),
      rssMiB: memory.rss / 2 ** 20,
      heapMiB: memory.heapUsed / 2 ** 20
    }
  }

  async stop (): Promise<void> {
    await Promise.allSettled(this.nodes.map(async node => { await node.stop() }))
  }
}
