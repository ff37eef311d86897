import { createMeshworkNode } from './dht-meshwork-node.js'
import type { DhtBenchNode, DhtSideId, LinkCounters, NodeSettings } from './dht-node.js'
import type { Edge } from './dht-topology.js'
import { buildTopology, spread, type BuildReport as TopologyReport, type Spread } from './topology-build.js'
import { measureUtilisation } from './event-loop-quiet.js'
import { createVanillaNode } from './dht-vanilla-node.js'

export type BuildReport = TopologyReport<DhtSideId>

export interface SettleParams {
  /** Never settle before this. */
  minMs: number
  /** Give up (and go on) after this. */
  maxMs: number
  pollMs: number
  /** Every node's routing table must hold at least this many peers. */
  minRoutingTable: number
  /** The mean routing-table size over the last three polls may move by at most this fraction. */
  tolerance: number
  /** … and the event loop must have been at most this busy (0..1) over the last poll. */
  maxUtilisation: number
}

export interface SettleReport {
  settled: boolean
  elapsedMs: number
  trace: Array<{ atMs: number, utilisation: number } & Spread>
}

export interface NetworkSnapshot {
  routingTable: Spread
  connections: Spread
  links: LinkCounters
  rssMiB: number
  heapMiB: number
}

const FACTORIES: Record<DhtSideId, (settings: NodeSettings) => Promise<DhtBenchNode>> = {
  meshwork: createMeshworkNode,
  vanilla: createVanillaNode
}

/** One side's N nodes in this thread, connected by the shared topology. */
export class DhtNetwork {
  private readonly index: Map<string, number>

  private constructor (readonly side: DhtSideId, readonly nodes: readonly DhtBenchNode[]) {
    this.index = new Map(nodes.map((node, i) => [node.peerId, i]))
  }

  /** Start `count` nodes, then make the topology's dials, a few at a time, retrying each once. */
  static async build (side: DhtSideId, count: number, edges: readonly Edge[], settings: NodeSettings): Promise<{ network: DhtNetwork, report: BuildReport }> {
    const { nodes, report } = await buildTopology(side, count, edges, () => FACTORIES[side](settings))
    return { network: new DhtNetwork(side, nodes), report }
  }

  indexOf (peerId: string): number | undefined {
    return this.index.get(peerId)
  }

  /**
   * Wait until every routing table holds a few peers, their mean size has stopped moving and
   * the network's start-up work (self-queries, identify, table pings) has died down.
   */
  async settle (params: SettleParams): Promise<SettleReport> {
    const started = performance.now()
    const trace: SettleReport['trace'] = []
    for (;;) {
      const utilisation = await measureUtilisation(params.pollMs)
      const atMs = performance.now() - started
      const sizes = spread(this.nodes.map(node => node.routingTableSize()))
      trace.push({ atMs, utilisation, ...sizes })
      const recent = trace.slice(-3).map(t => t.mean)
      const steady = recent.length === 3 && Math.max(...recent) - Math.min(...recent) <= params.tolerance * Math.max(1, sizes.mean)
      if (atMs >= params.minMs && sizes.min >= params.minRoutingTable && steady && utilisation <= params.maxUtilisation) return { settled: true, elapsedMs: atMs, trace }
      if (atMs >= params.maxMs) return { settled: false, elapsedMs: atMs, trace }
    }
  }

  /** For each node, the indices of the nodes it is connected to or holds in its peer store. */
  async known (): Promise<number[][]> {
    const result: number[][] = []
    for (const node of this.nodes) {
      const peers = await node.knownPeers()
      result.push([...peers].map(id => this.index.get(id)).filter((i): i is number => i !== undefined).sort((a, b) => a - b))
    }
    return result
  }

  snapshot (): NetworkSnapshot {
    const links = this.nodes.map(node => node.linkCounters())
    const memory = process.memoryUsage()
    return {
      routingTable: spread(this.nodes.map(node => node.routingTableSize())),
      connections: spread(this.nodes.map(node => node.connectionCount())),
      links: {
        disconnects: links.reduce((sum, l) => sum + l.disconnects, 0),
        unreachable: links.reduce((sum, l) => sum + l.unreachable, 0)
      },
      rssMiB: memory.rss / 2 ** 20,
      heapMiB: memory.heapUsed / 2 ** 20
    }
  }

  async stop (): Promise<void> {
    await Promise.allSettled(this.nodes.map(async node => { await node.stop() }))
  }
}
