import type { BuildReport, SettleReport } from './broadcast-network.js'
import { BROADCAST_SIDES, type BroadcastSideId } from './broadcast-node.js'
import type { BroadcastBenchOptions } from './broadcast-options.js'
import type { BroadcastReplies } from './broadcast-protocol.js'
import type { BroadcastSummary, SideFigures } from './broadcast-summary.js'
import type { Environment } from './environment.js'
import { formatTable } from './report.js'

export interface SideState {
  build: BuildReport
  settle: SettleReport
  before: BroadcastReplies['snapshot']
  after: BroadcastReplies['snapshot']
}

const fixed = (digits: number) => (v: number): string => Number.isFinite(v) ? v.toFixed(digits) : '–'
const pct = (v: number): string => Number.isFinite(v) ? `${(v * 100).toFixed(v === 1 ? 0 : 2)}%` : '–'
const times = (v: number): string => Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'

type RatioKey = keyof BroadcastSummary['ratios']

const ROWS: ReadonlyArray<{ name: string, figure: keyof SideFigures, format: (v: number) => string, ratio?: RatioKey }> = [
  { name: 'payload copies per node per message', figure: 'copiesPerNode', format: fixed(2), ratio: 'copiesPerNode' },
  { name: '  of which duplicates', figure: 'duplicatesPerNode', format: fixed(2) },
  { name: '  busiest node', figure: 'copiesMaxNode', format: fixed(2) },
  { name: 'delivery latency p50, ms', figure: 'latencyP50', format: fixed(1), ratio: 'latencyP50' },
  { name: 'delivery latency p99, ms', figure: 'latencyP99', format: fixed(1), ratio: 'latencyP99' },
  { name: 'delivery latency max, ms', figure: 'latencyMax', format: fixed(1) },
  { name: 'hops from origin, mean', figure: 'hopsMean', format: fixed(2), ratio: 'hopsMean' },
  { name: 'hops from origin, p99', figure: 'hopsP99', format: fixed(0), ratio: 'hopsP99' },
  { name: 'delivered', figure: 'deliveryRatio', format: pct, ratio: 'deliveryRatio' },
  { name: 'ids announced (IHAVE) per node per message', figure: 'announcedPerNode', format: fixed(2), ratio: 'announcedPerNode' },
  { name: 'pulls per message (GRAFT repairs / IWANT ids)', figure: 'pullsPerMessage', format: fixed(2) },
  { name: 'suppressions per message (PRUNE / IDONTWANT ids)', figure: 'suppressionsPerMessage', format: fixed(2) },
  { name: 'CPU per message, whole network, ms', figure: 'cpuMsPerMessage', format: fixed(1), ratio: 'cpuMsPerMessage' },
  { name: 'event loop busy during the phases', figure: 'utilisation', format: pct },
  { name: 'publish errors', figure: 'publishErrors', format: fixed(0) },
  { name: 'stray deliveries', figure: 'strayDeliveries', format: fixed(0) },
  { name: 'disconnects during the messages', figure: 'disconnects', format: fixed(0) }
]

function figureTable (sides: Record<BroadcastSideId, SideFigures>, ratios?: BroadcastSummary['ratios']): string {
  const header = ['figure', ...BROADCAST_SIDES.map(s => s.label), ...(ratios === undefined ? [] : ['meshwork ÷ gossipsub'])]
  const rows = ROWS.map(row => [
    row.name,
    ...BROADCAST_SIDES.map(s => row.format(sides[s.id][row.figure])),
    ...(ratios === undefined ? [] : [row.ratio === undefined ? '' : times(ratios[row.ratio])])
  ])
  return formatTable([header, ...rows])
}

function sideLines (id: BroadcastSideId, state: SideState): string[] {
  const { build, settle, before, after } = state
  const s = (x: { min: number, mean: number, max: number }): string => `${x.min}/${x.mean.toFixed(1)}/${x.max}`
  const [push, announce] = id === 'meshwork' ? ['eager', 'lazy'] : ['mesh', 'other topic peers']
  return [
    `${id}: ${build.nodes} nodes started in ${(build.startMs / 1000).toFixed(1)} s, ${build.edges} topology dials in ${(build.connectMs / 1000).toFixed(1)} s` +
      (build.failedDialCount > 0 ? ` (${build.failedDialCount} failed: ${build.failedDials.join('; ')})` : ''),
    `  overlay ${settle.settled ? 'settled' : `NOT settled (${settle.notReady} nodes not ready)`} after ${(settle.elapsedMs / 1000).toFixed(0)} s; min/mean/max ` +
      `${push} ${s(before.push)} → ${s(after.push)}, ${announce} ${s(before.announce)} → ${s(after.announce)}, connections ${s(before.connections)} → ${s(after.connections)}`,
    `  seeded links down/extra ${before.topology.missing}/${before.topology.extra} before the messages, ${after.topology.missing}/${after.topology.extra} after; ` +
      `idle event loop ${pct(before.idleUtilisation)} busy before, ${pct(after.idleUtilisation)} after; ${after.disconnects} disconnects` +
      (id === 'meshwork' ? ` (${after.unreachable} declared unreachable by the link monitor)` : '') + '; ' +
      `unhandled rejections ${after.unhandledRejections}; heap ${after.heapMiB.toFixed(0)} MiB`
  ]
}

/** The human-readable report: setup, steady figures with ratios, goals, warm-up, per round, network state. */
export function formatBroadcastReport (summary: BroadcastSummary, states: Record<BroadcastSideId, SideState>, env: Environment, options: BroadcastBenchOptions): string {
  const lines: string[] = []
  const { phase } = options
  lines.push(`Broadcast: Meshwork Plumtree vs @libp2p/gossipsub — ${options.nodes}-node networks on the memory transport (Noise + Yamux), one worker thread per network`)
  lines.push(`${env.date}  node ${env.node}  ${env.cores} × ${env.cpu}  ${env.platform}  load ${env.loadAverage.toFixed(2)} at start`)
  lines.push(Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', '))
  lines.push(`seed ${options.seed}, each node dials ${options.degree} earlier nodes; ${phase.payloadBytes}-byte payloads from seeded random origins at ${phase.rateHz} msgs/s; ` +
    `${options.warmup} warm-up messages, then ${options.messages} over ${options.rounds} rounds (side order alternating); ` +
    `connections pinged every ${options.settings.heartbeatIntervalMs} ms on both sides` +
    (Object.keys(options.settings.plumtree).length === 0 ? '; Plumtree defaults' : `; Plumtree departs from its defaults: ${Object.entries(options.settings.plumtree).map(([k, v]) => `${k} ${v}`).join(', ')}`))
  lines.push('')
  lines.push(`steady state (${summary.steady.meshwork.messages} messages per side, after the warm-up):`)
  lines.push(figureTable(summary.steady, summary.ratios))
  lines.push('per node per message = over messages × (nodes − 1); copies counted as they enter the protocol (Plumtree GOSSIP frames; gossipsub RPC messages), duplicates included')
  lines.push('')
  lines.push(formatTable([
    ['goal (SPEC.md)', 'ratio', 'target', 'result'],
    ...summary.goals.map(g => [g.what, times(g.ratio), g.target, g.verdict + (g.note === undefined ? '' : ` (${g.note})`)])
  ]))
  for (const s of BROADCAST_SIDES) {
    const f = summary.steady[s.id]
    if (f.deliveryRatio !== 1) lines.push(`WARNING: ${s.label} delivered ${f.delivered} of ${f.expected} (${pct(f.deliveryRatio)})`)
  }
  lines.push('')
  if (summary.warmup !== undefined) {
    lines.push(`warm-up (${summary.warmup.meshwork.messages} messages per side, Plumtree's tree forming):`)
    lines.push(figureTable(summary.warmup))
    lines.push('')
  }
  lines.push(formatTable([
    ['round', 'order', 'copies mw', 'copies gs', 'ratio', 'p50 mw', 'p50 gs', 'p99 mw', 'p99 gs', 'ratio', 'delivered mw', 'delivered gs'],
    ...summary.perRound.map(r => {
      const { meshwork: m, gossipsub: g } = r.sides
      return [r.label, r.order.join(' → '), fixed(2)(m.copiesPerNode), fixed(2)(g.copiesPerNode), times(m.copiesPerNode / g.copiesPerNode),
        fixed(1)(m.latencyP50), fixed(1)(g.latencyP50), fixed(1)(m.latencyP99), fixed(1)(g.latencyP99), times(m.latencyP99 / g.latencyP99),
        pct(m.deliveryRatio), pct(g.deliveryRatio)]
    })
  ]))
  lines.push('')
  for (const s of BROADCAST_SIDES) lines.push(...sideLines(s.id, states[s.id]))
  return lines.join('\n')
}
