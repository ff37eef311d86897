import type { BroadcastSideId } from './broadcast-node.js'
import type { PhaseRecord } from './broadcast-phase.js'
import type { Verdict } from './goals.js'
import { percentile } from './stats.js'

/**
 * Figures of one side over a set of phases. "Per node per message" divides by messages ×
 * (nodes − 1): the nodes each message must reach (the origin delivers nothing to itself, though
 * copies of its own message sent back to it do count as copies).
 */
export interface SideFigures {
  messages: number
  /** Deliveries owed: messages × (nodes − 1). */
  expected: number
  delivered: number
  deliveryRatio: number
  /** Receive time − send time over all deliveries, ms. */
  latencyP50: number
  latencyP99: number
  latencyMean: number
  latencyMax: number
  /** Hops from the origin along first copies, over all deliveries. */
  hopsMean: number
  hopsP50: number
  hopsP99: number
  hopsMax: number
  /** Payload copies received per node per message, first copies and duplicates. */
  copiesPerNode: number
  /** The busiest node's copies per message. */
  copiesMaxNode: number
  /** Copies beyond the first, per node per message. */
  duplicatesPerNode: number
  /** Message ids announced (IHAVE) per node per message. */
  announcedPerNode: number
  /** Per message, network-wide: Plumtree repair GRAFTs; gossipsub IWANT ids. */
  pullsPerMessage: number
  /** Per message, network-wide: Plumtree PRUNEs; gossipsub IDONTWANT ids. */
  suppressionsPerMessage: number
  publishErrors: number
  strayDeliveries: number
  /** Disconnects during the phases (each hang-up counts at both ends). */
  disconnects: number
  /** Mean event-loop utilisation of the side's thread during the phases. */
  utilisation: number
  /** CPU time of the side's thread (all its nodes) per message, ms. */
  cpuMsPerMessage: number
  /** Longest wait from a phase's last publish to its last delivery, ms. */
  tailMsMax: number
}

export interface GoalResult {
  id: 'copies' | 'latency-p99'
  what: string
  target: string
  ratio: number
  verdict: Verdict
  /** Why a ratio within the target is still a MISS (Meshwork missed deliveries). */
  note?: string
}

export interface BroadcastSummary {
  /** The measured rounds, pooled. */
  steady: Record<BroadcastSideId, SideFigures>
  warmup: Record<BroadcastSideId, SideFigures> | undefined
  perRound: Array<{ label: string, order: BroadcastSideId[], sides: Record<BroadcastSideId, SideFigures> }>
  /** Meshwork ÷ gossipsub over the measured rounds. */
  ratios: { copiesPerNode: number, latencyP50: number, latencyP99: number, hopsMean: number, hopsP99: number, deliveryRatio: number, announcedPerNode: number, cpuMsPerMessage: number }
  goals: GoalResult[]
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)
const mean = (values: readonly number[]): number => values.length === 0 ? Number.NaN : sum(values) / values.length
const quantile = (values: readonly number[], q: number): number => values.length === 0 ? Number.NaN : percentile(values, q)

export function sideFigures (phases: readonly PhaseRecord[]): SideFigures {
  const messages = phases.flatMap(p => p.messages)
  const nodes = phases[0]?.nodes ?? 0
  const owed = messages.length * (nodes - 1)
  const latencies = messages.flatMap(m => m.latencies.filter(v => !Number.isNaN(v)))
  const hops = messages.flatMap(m => m.hops.filter((v, i) => i !== m.origin && !Number.isNaN(v)))
  const copies = sum(phases.map(p => sum(p.copies)))
  const perNode = Array.from({ length: nodes }, (_, i) => sum(phases.map(p => p.copies[i])))
  return {
    messages: messages.length,
    expected: owed,
    delivered: latencies.length,
    deliveryRatio: owed === 0 ? Number.NaN : latencies.length / owed,
    latencyP50: quantile(latencies, 0.5),
    latencyP99: quantile(latencies, 0.99),
    latencyMean: mean(latencies),
    latencyMax: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
    hopsMean: mean(hops),
    hopsP50: quantile(hops, 0.5),
    hopsP99: quantile(hops, 0.99),
    hopsMax: hops.length === 0 ? Number.NaN : Math.max(...hops),
    copiesPerNode: copies / owed,
    copiesMaxNode: messages.length === 0 ? Number.NaN : Math.max(...perNode) / messages.length,
    duplicatesPerNode: (copies - latencies.length) / owed,
    announcedPerNode: sum(phases.map(p => p.announcedIds)) / owed,
    pullsPerMessage: sum(phases.map(p => p.pulls)) / messages.length,
    suppressionsPerMessage: sum(phases.map(p => p.suppressions)) / messages.length,
    publishErrors: messages.filter(m => m.publishError !== undefined).length,
    strayDeliveries: sum(phases.map(p => p.strayDeliveries)),
    disconnects: sum(phases.map(p => p.disconnects)),
    utilisation: mean(phases.map(p => p.utilisation)),
    cpuMsPerMessage: sum(phases.map(p => p.cpuMs)) / messages.length,
    tailMsMax: Math.max(...phases.map(p => p.tailMs))
  }
}

export interface RoundPhases {
  label: string
  order: BroadcastSideId[]
  records: Record<BroadcastSideId, PhaseRecord>
}

/** Pool the rounds per side; ratios Meshwork ÷ gossipsub; the two SPEC goals. */
export function summarizeBroadcast (warmup: Record<BroadcastSideId, PhaseRecord> | undefined, rounds: readonly RoundPhases[]): BroadcastSummary {
  const pooled = (side: BroadcastSideId): SideFigures => sideFigures(rounds.map(r => r.records[side]))
  const steady = { meshwork: pooled('meshwork'), gossipsub: pooled('gossipsub') }
  const ratio = (figure: keyof SideFigures): number => steady.meshwork[figure] / steady.gossipsub[figure]
  const ratios = {
    copiesPerNode: ratio('copiesPerNode'),
    latencyP50: ratio('latencyP50'),
    latencyP99: ratio('latencyP99'),
    hopsMean: ratio('hopsMean'),
    hopsP99: ratio('hopsP99'),
    deliveryRatio: ratio('deliveryRatio'),
    announcedPerNode: ratio('announcedPerNode'),
    cpuMsPerMessage: ratio('cpuMsPerMessage')
  }
  const complete = steady.meshwork.deliveryRatio === 1
  const goal = (id: GoalResult['id'], what: string, target: string, value: number, limit: number): GoalResult => {
    const within = Number.isFinite(value) && value <= limit
    return {
      id,
      what,
      target,
      ratio: value,
      verdict: within && complete ? 'PASS' : 'MISS',
      ...(within && !complete ? { note: `Meshwork delivered ${(steady.meshwork.deliveryRatio * 100).toFixed(2)}%, not 100%` } : {})
    }
  }
  return {
    steady,
    warmup: warmup === undefined ? undefined : { meshwork: sideFigures([warmup.meshwork]), gossipsub: sideFigures([warmup.gossipsub]) },
    perRound: rounds.map(r => ({ label: r.label, order: r.order, sides: { meshwork: sideFigures([r.records.meshwork]), gossipsub: sideFigures([r.records.gossipsub]) } })),
    ratios,
    goals: [
      goal('copies', 'broadcast payload copies per node', '≤ 0.5×', ratios.copiesPerNode, 0.5),
      goal('latency-p99', 'broadcast delivery p99 to 100 nodes', '≤ 1.0×', ratios.latencyP99, 1.0)
    ]
  }
}
