import type { Environment } from './environment.js'
import type { BenchOptions } from './options.js'
import type { RoundsOutcome } from './rounds.js'
import type { FigureId, FigureSummary, Summary } from './summary.js'

export interface SideLabel { id: string, label: string }

interface FigureRow { workload: string, unit: string, figure: FigureId, format: (value: number) => string }

const FIGURE_ROWS: readonly FigureRow[] = [
  { workload: 'bulk, 64 KiB writes', unit: 'MB/s', figure: 'bulkBytesPerSecond', format: v => (v / 1e6).toFixed(1) },
  { workload: '', unit: 'Gbit/s', figure: 'bulkBytesPerSecond', format: v => (v * 8 / 1e9).toFixed(2) },
  { workload: '', unit: 'CPU ms/MB', figure: 'bulkCpuMsPerMB', format: v => v.toFixed(2) },
  { workload: 'small, 32 B messages', unit: 'msgs/s', figure: 'smallMessagesPerSecond', format: v => `${(v / 1000).toFixed(1)}k` },
  { workload: '', unit: 'CPU µs/msg', figure: 'smallCpuUsPerMessage', format: v => v.toFixed(1) },
  { workload: 'round trip, 32 B', unit: 'p50 µs', figure: 'rttP50Us', format: v => v.toFixed(0) },
  { workload: '', unit: 'p99 µs', figure: 'rttP99Us', format: v => v.toFixed(0) }
]

const COST_NAMES: Partial<Record<FigureId, string>> = {
  bulkCpuMsPerMB: 'CPU per MB, bulk (both nodes)',
  smallCpuUsPerMessage: 'CPU per message, small (both nodes)'
}

/** Lay out rows of cells in aligned columns (first column left-aligned, the rest right). */
export function formatTable (rows: readonly string[][], leftColumns = 1): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, [...cell].length) })
  return rows.map(row => row.map((cell, i) => {
    const pad = ' '.repeat(widths[i] - [...cell].length)
    return i < leftColumns ? cell + pad : pad + cell
  }).join('   ').trimEnd()).join('\n')
}

function figureCell (summary: FigureSummary | undefined, format: (value: number) => string): string {
  if (summary === undefined) return '–'
  return `${format(summary.median)} (${(summary.spread * 100).toFixed(0)}%)`
}

/** The human-readable report: environment, the figures per side, the goals with verdicts. */
export function formatReport (
  summary: Summary,
  outcome: Pick<RoundsOutcome, 'failures' | 'linkEvents'>,
  sides: readonly SideLabel[],
  env: Environment,
  options: BenchOptions
): string {
  const lines: string[] = []
  lines.push('Meshwork core-mesh channel vs bare js-libp2p v3 stream — TCP + Noise + Yamux on 127.0.0.1, each node on its own thread')
  lines.push(`${env.date}  node ${env.node}  ${env.cores} × ${env.cpu}  ${env.platform}  load ${env.loadAverage.toFixed(2)} at start`)
  lines.push(Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', '))
  lines.push(`${options.rounds} rounds${options.quick ? ' (--quick)' : ''}, sides alternating order each round; ` +
    `flows ${options.bulk.warmupMs} ms warm-up + ${options.bulk.durationMs} ms measured, ` +
    `${options.rtt.roundTrips} round trips after ${options.rtt.warmupRoundTrips} warm-up`)
  lines.push('')

  const header = ['workload', 'unit', ...sides.map(s => s.label)]
  const rows = FIGURE_ROWS
    .filter(row => sides.some(s => summary.sides[s.id]?.[row.figure] !== undefined))
    .map(row => [row.workload, row.unit, ...sides.map(s => figureCell(summary.sides[s.id]?.[row.figure], row.format))])
  lines.push(formatTable([header, ...rows], 2))
  lines.push('median of rounds; (n%) = (max − min) ÷ median across rounds; CPU = the whole process (writer, reader, GC) in the window')
  lines.push('')

  const baseline = sides[1]
  const extras = sides.slice(2).filter(s => !s.id.startsWith('meshwork'))
  const goalHeader = ['goal (SPEC.md)', `ratio vs ${baseline?.label ?? 'bare'}`, 'target', 'result', ...extras.map(s => `vs ${s.label}`)]
  const goalRows = summary.goals.map(goal => [
    goal.what,
    Number.isNaN(goal.ratio) ? '–' : `${goal.ratio.toFixed(2)}×`,
    goal.stretch === undefined ? goal.target : `${goal.target} (stretch ${goal.stretch.target})`,
    (goal.stretch === undefined ? goal.verdict : `${goal.verdict} (stretch ${goal.stretch.verdict})`) +
      (goal.failedRuns > 0 ? ` — ${goal.failedRuns} run(s) failed` : ''),
    ...extras.map(s => goal.otherRatios[s.id] === undefined ? '–' : `${goal.otherRatios[s.id].toFixed(2)}×`)
  ])
  const costRows = summary.costs.map(cost => [
    COST_NAMES[cost.figure] ?? cost.figure,
    `${cost.ratio.toFixed(2)}×`,
    'no goal',
    'info',
    ...extras.map(s => cost.otherRatios[s.id] === undefined ? '–' : `${cost.otherRatios[s.id].toFixed(2)}×`)
  ])
  lines.push(formatTable([goalHeader, ...goalRows, ...costRows], 1))
  lines.push('ratio = median over rounds of (Meshwork ÷ bare) within the same round; latency and CPU ratios: lower is better')

  if (outcome.failures.length > 0) {
    lines.push('')
    lines.push('failed runs (left out of the figures; a failed Meshwork run misses its goal):')
    for (const f of outcome.failures) lines.push(`  ${f.workload} round ${f.round + 1} ${f.side}: ${f.message}`)
  }
  if (outcome.linkEvents.length > 0) {
    lines.push('')
    lines.push('link events during runs (a healthy run has none):')
    for (const e of outcome.linkEvents) lines.push(`  ${e.workload} round ${e.round + 1} ${e.side}: ${e.events.join('; ')}`)
  }
  return lines.join('\n')
}
