import type { DhtBenchOptions } from './dht-options.js'
import type { BuildReport, SettleReport } from './dht-network.js'
import { DHT_SIDES, type DhtSideId } from './dht-node.js'
import type { NetworkReplies } from './dht-protocol.js'
import type { DhtSummary, SideFigures } from './dht-summary.js'
import type { Environment } from './environment.js'
import { formatTable } from './report.js'

export interface SideState {
  build: BuildReport
  settle: SettleReport
  before: NetworkReplies['snapshot']
  after: NetworkReplies['snapshot']
  /** Sources skipped per batch: every candidate target already known to them on one side or the other. */
  skippedSources: number[]
  /** Event-loop utilisation of the side's thread during each of its lookup blocks. */
  blockUtilisation: number[]
}

const ms = (v: number): string => Number.isFinite(v) ? v.toFixed(1) : '–'
const fixed = (digits: number) => (v: number): string => Number.isFinite(v) ? v.toFixed(digits) : '–'
const pct = (v: number): string => Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–'
const times = (v: number): string => Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'

const ROWS: ReadonlyArray<{ name: string, figure: keyof SideFigures, format: (v: number) => string, ratio?: keyof DhtSummary['ratios'] }> = [
  { name: 'latency p50, ms', figure: 'latencyP50', format: ms, ratio: 'latencyP50' },
  { name: 'latency p95, ms', figure: 'latencyP95', format: ms, ratio: 'latencyP95' },
  { name: 'hops, mean', figure: 'hopsMean', format: fixed(2), ratio: 'hopsMean' },
  { name: 'hops, p50', figure: 'hopsP50', format: fixed(1), ratio: 'hopsP50' },
  { name: 'success rate', figure: 'successRate', format: pct, ratio: 'successRate' },
  { name: 'peers queried, mean', figure: 'queriedMean', format: fixed(1), ratio: 'queriedMean' },
  { name: 'lookups to the network', figure: 'network', format: fixed(0) },
  { name: 'answered locally (hop 0)', figure: 'local', format: fixed(0) },
  { name: 'source knew target at start', figure: 'knownBefore', format: fixed(0) },
  { name: 'source connected at start', figure: 'connectedBefore', format: fixed(0) },
  { name: 'wait for a quiet loop, mean ms', figure: 'quietWaitMean', format: fixed(0) },
  { name: 'started on a busy loop', figure: 'quietGaveUp', format: fixed(0) }
]

function sideLines (id: DhtSideId, state: SideState): string[] {
  const { build, settle, before, after } = state
  const spread = (s: { min: number, mean: number, max: number }): string => `${s.min}/${s.mean.toFixed(1)}/${s.max}`
  return [
    `${id}: ${build.nodes} nodes started in ${(build.startMs / 1000).toFixed(1)} s, ${build.edges} topology dials in ${(build.connectMs / 1000).toFixed(1)} s` +
      (build.failedDialCount > 0 ? ` (${build.failedDialCount} failed: ${build.failedDials.join('; ')})` : ''),
    `  routing tables ${settle.settled ? 'settled' : 'NOT settled'} after ${(settle.elapsedMs / 1000).toFixed(0)} s; ` +
      `min/mean/max routing table ${spread(before.routingTable)} → ${spread(after.routingTable)} at the end, ` +
      `connections ${spread(before.connections)} → ${spread(after.connections)}`,
    `  idle event loop ${pct(before.idleUtilisation)} busy before the lookups, ${pct(after.idleUtilisation)} after; ` +
      `during lookup blocks ${state.blockUtilisation.map(pct).join(', ')}`,
    `  link events over the run: ${after.links.disconnects} disconnects` + (id === 'meshwork' ? `, ${after.links.unreachable} declared unreachable by the link monitor` : '') +
      `; unhandled rejections ${after.unhandledRejections}; heap ${after.heapMiB.toFixed(0)} MiB`
  ]
}

/** The human-readable report: setup, figures per side with ratios, goals, per round, network state. */
export function formatDhtReport (summary: DhtSummary, states: Record<DhtSideId, SideState>, env: Environment, options: DhtBenchOptions): string {
  const lines: string[] = []
  const { meshwork } = options.settings
  lines.push(`DHT lookups: Meshwork dht vs vanilla kad-dht — ${options.nodes}-node networks on the memory transport (Noise + Yamux), one worker thread per network`)
  lines.push(`${env.date}  node ${env.node}  ${env.cores} × ${env.cpu}  ${env.platform}  load ${env.loadAverage.toFixed(2)} at start`)
  lines.push(Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', '))
  lines.push(`seed ${options.seed}, each node dials ${options.degree} earlier nodes; ${options.lookups} findPeer lookups per side over ${options.rounds} rounds ` +
    `(side order alternating), time limit ${options.lookup.timeoutMs} ms; connections pinged every ${options.settings.heartbeatIntervalMs} ms on both sides ` +
    `(Meshwork heartbeat timeout ${meshwork.heartbeatTimeoutMs} ms); Meshwork random walk every ${meshwork.randomWalkIntervalMs} ms` +
    (meshwork.alpha === undefined ? '' : `, Meshwork alpha ${meshwork.alpha}`))
  lines.push('')

  const header = ['figure', ...DHT_SIDES.map(s => s.label), 'meshwork ÷ vanilla']
  const rows = ROWS.map(row => [
    row.name,
    ...DHT_SIDES.map(s => row.format(summary.sides[s.id][row.figure] as number)),
    row.ratio === undefined ? '' : times(summary.ratios[row.ratio])
  ])
  lines.push(formatTable([header, ...rows]))
  lines.push('latency and hops: found lookups that went to the network; hops = hop of the peer that returned the target (HopTracker from @meshwork/dht, both sides)')
  for (const s of DHT_SIDES) {
    const errors = Object.entries(summary.sides[s.id].errors)
    if (errors.length > 0) lines.push(`${s.label} failures: ${errors.map(([name, n]) => `${n} × ${name}`).join(', ')}`)
  }
  lines.push('')

  lines.push(formatTable([
    ['goal (SPEC.md)', 'ratio', 'target', 'result'],
    ...summary.goals.map(g => [g.what, times(g.ratio), g.target, g.verdict])
  ]))
  lines.push('')

  lines.push(formatTable([
    ['round', 'order', 'meshwork p50 ms', 'vanilla p50 ms', 'p50 ratio', 'meshwork hops', 'vanilla hops', 'meshwork found', 'vanilla found'],
    ...summary.perRound.map(r => [
      String(r.round + 1),
      r.order.join(' → '),
      ms(r.sides.meshwork.latencyP50),
      ms(r.sides.vanilla.latencyP50),
      times(r.sides.meshwork.latencyP50 / r.sides.vanilla.latencyP50),
      fixed(2)(r.sides.meshwork.hopsMean),
      fixed(2)(r.sides.vanilla.hopsMean),
      `${r.sides.meshwork.found}/${r.sides.meshwork.network}`,
      `${r.sides.vanilla.found}/${r.sides.vanilla.network}`
    ])
  ]))
  const skipped = states.meshwork.skippedSources
  if (skipped.some(n => n > 0)) lines.push(`sources skipped (every candidate target already known to them): ${skipped.join(', ')} per batch`)
  lines.push('')
  for (const s of DHT_SIDES) lines.push(...sideLines(s.id, states[s.id]))
  return lines.join('\n')
}
