import { createMeshworkNode } from './dht-meshwork-node.js'
import type { DhtBenchNode, DhtSideId, LinkCounters, NodeSettings } from './dht-node.js'
import type { Edge } from './dht-topology.js'
import { measureUtilisation } from './event-loop-quiet.js'
import { createVanillaNode } from './dht-vanilla-node.js'

export interface Spread { min: number, mean: number, max: number }

export interface BuildReport {
  side: DhtSideId
  nodes: number
  edges: number
  startMs: number
  connectMs: number
  /** Topology dials that failed twice (the first few, and how many). */
  failedDials: string[]
  failedDialCount: number
}

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

const DIAL_CONCURRENCY = 32
const DIAL_RETRY_MS = 500

function spread (values: readonly number[]): Spread {
  if (values.length === 0) return { min: 0, mean: 0, max: 0 }
  return { min: Math.min(...values), mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) }
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** One side's N nodes in this thread, connected by the shared topology. */
export class DhtNetwork {
  private readonly index: Map<string, number>

  private constructor (readonly side: DhtSideId, readonly nodes: readonly DhtBenchNode[]) {
    this.index = new Map(nodes.map((node, i) => [node.peerId, i]))
  }

  /** Start `count` nodes, then make the topology's dials, a few at a time, retrying each once. */
  static async build (side: DhtSideId, count: number, edges: readonly Edge[], settings: NodeSettings): Promise<{ network: DhtNetwork, report: BuildReport }> {
    const started = performance.now()
    const nodes: DhtBenchNode[] = []
    try {
      for (let i = 0; i < count; i++) nodes.push(await FACTORIES[side](settings))
    } catch (err) {
      await Promise.allSettled(nodes.map(async node => { await node.stop() }))
      throw err
    }
    const network = new DhtNetwork(side, nodes)
    const startMs = performance.now() - started
    const failedDials: string[] = []
    let next = 0
    const dialer = async (): Promise<void> => {
      while (next < edges.length) {
        const [from, to] = edges[next++]
        try {
          await nodes[from].connect(nodes[to].addresses[0])
        } catch {
          await sleep(DIAL_RETRY_MS)
          try {
            await nodes[from].connect(nodes[to].addresses[0])
          } catch (err) {
            failedDials.push(`${from}→${to}: ${(err as Error).message}`)
          }
        }
      }
    }
    await Promise.all(Array.from({ length: DIAL_CONCURRENCY }, dialer))
    return {
      network,
      report: {
        side,
        nodes: count,
        edges: edges.length,
        startMs,
        connectMs: performance.now() - started - startMs,
        failedDials: failedDials.slice(0, 5),
        failedDialCount: failedDials.length
      }
    }
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
