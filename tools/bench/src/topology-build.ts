import type { Edge } from './dht-topology.js'

/** Min, mean and max of a per-node figure. */
export interface Spread { min: number, mean: number, max: number }

export function spread (values: readonly number[]): Spread {
  if (values.length === 0) return { min: 0, mean: 0, max: 0 }
  return { min: Math.min(...values), mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) }
}

/** How one side's network came up. */
export interface BuildReport<Side extends string = string> {
  side: Side
  nodes: number
  edges: number
  startMs: number
  connectMs: number
  /** Topology dials that failed twice (the first few, and how many). */
  failedDials: string[]
  failedDialCount: number
}

/** What the builder needs of a benchmark node. */
export interface DialableNode {
  readonly addresses: string[]
  connect(address: string): Promise<void>
  stop(): Promise<void>
}

const DIAL_CONCURRENCY = 32
const DIAL_RETRY_MS = 500

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/**
 * Start `count` nodes one after another (stopping those started if one fails), then make the
 * topology's dials, a few at a time, retrying each once. Shared by every network benchmark so
 * that both sides of a comparison are built the same way.
 */
export async function buildTopology<Side extends string, Node extends DialableNode> (
  side: Side,
  count: number,
  edges: readonly Edge[],
  create: (index: number) => Promise<Node>
): Promise<{ nodes: Node[], report: BuildReport<Side> }> {
  const started = performance.now()
  const nodes: Node[] = []
  try {
    for (let i = 0; i < count; i++) nodes.push(await create(i))
  } catch (err) {
    await Promise.allSettled(nodes.map(async node => { await node.stop() }))
    throw err
  }
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
    nodes,
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
