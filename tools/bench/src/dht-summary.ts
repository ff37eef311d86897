import type { LookupRecord } from './dht-lookups.js'
import type { DhtSideId } from './dht-node.js'
import type { Verdict } from './goals.js'
import { percentile } from './stats.js'

/**
 * Figures of one side over a set of lookups. Lookups the source answered from its own peer
 * store (hop 0: the target became known to it during the round) are counted, not timed:
 * latency, hops and success rate are over the lookups that went to the network.
 */
export interface SideFigures {
  lookups: number
  /** Answered locally by kad-dht's `findPeerLocal` (hop 0). */
  local: number
  /** Went to the network. */
  network: number
  /** Network lookups that found the target with an address. */
  found: number
  successRate: number
  /** Latency of the found network lookups, ms. */
  latencyP50: number
  latencyP95: number
  latencyMean: number
  hopsMean: number
  hopsP50: number
  /** Peers queried per network lookup. */
  queriedMean: number
  /** Lookups whose source was already connected to / knew the target when it started. */
  connectedBefore: number
  knownBefore: number
  /** Why the failed network lookups failed, by error name. */
  errors: Record<string, number>
  /** Lookups that started before the event loop went quiet (it stayed busy for the whole wait). */
  quietGaveUp: number
  /** Mean wait for a quiet event loop before a lookup, ms. */
  quietWaitMean: number
}

export interface GoalResult {
  id: 'lookup-p50' | 'lookup-hops'
  what: string
  target: string
  ratio: number
  verdict: Verdict
}

export interface DhtSummary {
  sides: Record<DhtSideId, SideFigures>
  perRound: Array<{ round: number, order: DhtSideId[], sides: Record<DhtSideId, SideFigures> }>
  /** Meshwork ÷ vanilla. */
  ratios: { latencyP50: number, latencyP95: number, hopsMean: number, hopsP50: number, successRate: number, queriedMean: number }
  goals: GoalResult[]
}

const mean = (values: readonly number[]): number => values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length
const quantile = (values: readonly number[], q: number): number => values.length === 0 ? Number.NaN : percentile(values, q)

export function sideFigures (records: readonly LookupRecord[]): SideFigures {
  const local = records.filter(r => r.found && r.hops === 0)
  const network = records.filter(r => !(r.found && r.hops === 0))
  const found = network.filter(r => r.found)
  const errors: Record<string, number> = {}
  for (const r of network) if (!r.found) errors[r.error ?? 'no addresses'] = (errors[r.error ?? 'no addresses'] ?? 0) + 1
  return {
    lookups: records.length,
    local: local.length,
    network: network.length,
    found: found.length,
    successRate: network.length === 0 ? Number.NaN : found.length / network.length,
    latencyP50: quantile(found.map(r => r.ms), 0.5),
    latencyP95: quantile(found.map(r => r.ms), 0.95),
    latencyMean: mean(found.map(r => r.ms)),
    hopsMean: mean(found.map(r => r.hops ?? 0)),
    hopsP50: quantile(found.map(r => r.hops ?? 0), 0.5),
    queriedMean: mean(network.map(r => r.queried)),
    connectedBefore: records.filter(r => r.connectedBefore).length,
    knownBefore: records.filter(r => r.knownBefore).length,
    errors,
    quietGaveUp: records.filter(r => r.quietGaveUp).length,
    quietWaitMean: mean(records.map(r => r.quietWaitMs))
  }
}

const verdict = (ratio: number): Verdict => Number.isFinite(ratio) && ratio <= 1.0 ? 'PASS' : 'MISS'

export interface RoundRecords {
  round: number
  order: DhtSideId[]
  records: Record<DhtSideId, LookupRecord[]>
}

/** Pool every round's lookups per side; ratios Meshwork ÷ vanilla; the two goals. */
export function summarizeDht (rounds: readonly RoundRecords[]): DhtSummary {
  const pooled = (side: DhtSideId): LookupRecord[] => rounds.flatMap(r => r.records[side])
  const sides = { meshwork: sideFigures(pooled('meshwork')), vanilla: sideFigures(pooled('vanilla')) }
  const ratio = (figure: keyof SideFigures): number => (sides.meshwork[figure] as number) / (sides.vanilla[figure] as number)
  const ratios = {
    latencyP50: ratio('latencyP50'),
    latencyP95: ratio('latencyP95'),
    hopsMean: ratio('hopsMean'),
    hopsP50: ratio('hopsP50'),
    successRate: ratio('successRate'),
    queriedMean: ratio('queriedMean')
  }
  return {
    sides,
    perRound: rounds.map(r => ({ round: r.round, order: r.order, sides: { meshwork: sideFigures(r.records.meshwork), vanilla: sideFigures(r.records.vanilla) } })),
    ratios,
    goals: [
      { id: 'lookup-p50', what: 'DHT lookup latency p50', target: '≤ 1.0×', ratio: ratios.latencyP50, verdict: verdict(ratios.latencyP50) },
      { id: 'lookup-hops', what: 'DHT lookup hops (mean)', target: '≤ 1.0×', ratio: ratios.hopsMean, verdict: verdict(ratios.hopsMean) }
    ]
  }
}
