import { SeededRandom } from '@meshwork/core-mesh/testkit'

/** Who dials whom, and which lookups run: everything both networks must share, from one seed. */

export type Edge = [from: number, to: number]

export interface LookupPair {
  source: number
  target: number
}

/** Node i (i ≥ 1) dials `degree` distinct earlier nodes, drawn from the seed: a connected graph. */
export function seededEdges (seed: number, nodes: number, degree: number): Edge[] {
  const random = new SeededRandom(seed).fork('topology')
  const edges: Edge[] = []
  for (let i = 1; i < nodes; i++) {
    const earlier = Array.from({ length: i }, (_, j) => j)
    for (const j of random.sample(earlier, Math.min(degree, i))) edges.push([i, j])
  }
  return edges
}

export interface PairDraw {
  pairs: LookupPair[]
  /** Sources left without a lookup: every candidate target was already known to them on one side or the other. */
  skippedSources: number
}

/** A batch holds at most this many lookups: its sources and its targets are disjoint sets. */
export const maxBatch = (nodes: number): number => Math.floor(nodes / 2)

/**
 * One batch of `count` lookups (at most `maxBatch(nodes)`), drawn from `label`'s stream: a
 * seeded shuffle gives `count` distinct sources and leaves the rest as the target pool; each
 * source gets a seeded target from the pool that **neither** network's source is connected to
 * or holds in its peer store (`known[side][i]`: the node indices node i knows). So kad-dht's
 * local short-cut (`findPeerLocal`) cannot answer at the start, and it stays that way through
 * the batch: a node learns of a peer when that peer contacts it, and targets run no lookups.
 * Both sides run the same pairs.
 */
export function drawBatch (seed: number, label: string, count: number, nodes: number, known: ReadonlyArray<ReadonlyArray<ReadonlySet<number>>>): PairDraw {
  if (count > maxBatch(nodes)) throw new RangeError(`a batch holds at most ${maxBatch(nodes)} lookups, got ${count}`)
  const random = new SeededRandom(seed).fork(label)
  const order = random.shuffle(Array.from({ length: nodes }, (_, i) => i))
  const sources = order.slice(0, count)
  const pool = order.slice(count)
  const pairs: LookupPair[] = []
  let skippedSources = 0
  for (const source of sources) {
    const eligible = pool.filter(target => known.every(side => !side[source].has(target)))
    if (eligible.length === 0) { skippedSources++; continue }
    pairs.push({ source, target: random.pick(eligible) })
  }
  return { pairs, skippedSources }
}
