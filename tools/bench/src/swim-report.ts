import type { Environment } from './environment.js'
import { formatTable } from './report.js'
import { SWIM_SIDES, type SwimSideId } from './swim-cluster.js'
import type { SwimBenchOptions } from './swim-options.js'
import type { SideRun } from './swim-rounds.js'
import type { SwimSideFigures, SwimSummary } from './swim-summary.js'

const ms = (v: number): string => Number.isFinite(v) ? v.toFixed(0) : '–'
const count = (v: number): string => Number.isFinite(v) ? String(v) : '–'
const times = (v: number): string => Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'

const ROWS: ReadonlyArray<{ name: string, figure: keyof SwimSideFigures, format: (v: number) => string, ratio?: keyof NonNullable<SwimSummary['ratios']> }> = [
  { name: 'detection p50, ms', figure: 'detectionP50', format: ms, ratio: 'detectionP50' },
  { name: 'detection p95, ms', figure: 'detectionP95', format: ms, ratio: 'detectionP95' },
  { name: 'detection max, ms', figure: 'detectionMax', format: ms, ratio: 'detectionMax' },
  { name: 'first observer, median of rounds, ms', figure: 'firstP50', format: ms, ratio: 'firstP50' },
  { name: 'every observer, median of rounds, ms', figure: 'allP50', format: ms, ratio: 'allP50' },
  { name: 'first suspicion, median of rounds, ms', figure: 'firstSuspicionP50', format: ms, ratio: 'firstSuspicionP50' },
  { name: 'suspicion → first failed, median, ms', figure: 'suspicionToFailedP50', format: ms, ratio: 'suspicionToFailedP50' },
  { name: 'first → last observer, median, ms', figure: 'spreadP50', format: ms, ratio: 'spreadP50' },
  { name: 'samples (observers × rounds)', figure: 'samples', format: count },
  { name: 'observers that never detected', figure: 'undetected', format: count },
  { name: 'false positives', figure: 'falsePositives', format: count },
  { name: 'suspicions during pauses', figure: 'pauseSuspicions', format: count },
  { name: 'refutations seen during pauses', figure: 'pauseRefutations', format: count },
  { name: 'restarted after a pause', figure: 'pauseRestarts', format: count },
  { name: 'member-failed event handler p50, ms', figure: 'handlerP50', format: ms }
]

export interface SwimRunInfo {
  env: Environment
  serfVersion: string | undefined
  /** Wall time of each side's run, ms. */
  sideMs: Partial<Record<SwimSideId, number>>
}

/** The human-readable report: setup, figures per side with the ratio, goals, every round. */
export function formatSwimReport (summary: SwimSummary, runs: readonly SideRun[], info: SwimRunInfo, options: SwimBenchOptions): string {
  const { env } = info
  const t = options.timings
  const sides = SWIM_SIDES.filter(s => summary.sides[s.id] !== undefined)
  const lines: string[] = []
  lines.push(`SWIM failure detection: Meshwork membership vs Debian serf — ${options.nodes} members per cluster, one process each, 127.0.0.1`)
  lines.push(`${env.date}  node ${env.node}  ${env.cores} × ${env.cpu}  ${env.platform}  load ${env.loadAverage.toFixed(2)} at start`)
  lines.push([info.serfVersion, ...Object.entries(env.packages).map(([name, version]) => `${name} ${version}`)].filter(s => s !== undefined).join(', '))
  lines.push(`memberlist profile "${options.profile}" on both sides: probe every ${t.probeIntervalMs} ms, timeout ${t.probeTimeoutMs} ms, suspicion mult ${t.suspicionMult} ` +
    `(max ×${t.suspicionMaxTimeoutMult}), ${t.indirectChecks} indirect checks, gossip every ${t.gossipIntervalMs} ms to ${t.gossipNodes}, retransmit mult ${t.retransmitMult}, ` +
    `push-pull every ${t.pushPullIntervalMs / 1000} s`)
  lines.push(`${options.rounds} kill round(s) and ${options.rounds} pause round(s) of ${options.pauseMs} ms per side (seed ${options.seed}); ` +
    `Meshwork: TCP + Noise + Yamux, core-mesh link heartbeat every ${options.heartbeat.intervalMs} ms (timeout ${options.heartbeat.timeoutMs} ms, ` +
    `${options.heartbeat.missesBeforeUnreachable} misses) so that it never acts before SWIM`)
  lines.push('')

  const both = summary.ratios !== undefined
  const header = ['figure', ...sides.map(s => s.label), ...(both ? ['meshwork ÷ serf'] : [])]
  const rows = ROWS
    .filter(row => sides.some(s => Number.isFinite(summary.sides[s.id]?.[row.figure] as number)))
    .map(row => [
      row.name,
      ...sides.map(s => row.format(summary.sides[s.id]?.[row.figure] as number)),
      ...(both ? [row.ratio === undefined ? '' : times(summary.ratios?.[row.ratio] ?? Number.NaN)] : [])
    ])
  lines.push(formatTable([header, ...rows]))
  lines.push('detection = Date.now() at the observer\'s failed event − Date.now() right before the SIGKILL (serf: its log line ' +
    '"EventMemberFailed", read as written; Meshwork: member:dead, sent over IPC); false positives = failures declared in the ' +
    `pause rounds (SIGSTOP, SIGCONT, then ${options.pauseObserveMs} ms) and failures of members other than the victim in kill rounds`)
  lines.push('')

  if (summary.goals.length > 0) {
    lines.push(formatTable([
      ['goal (SPEC.md)', 'ratio', 'target', 'result'],
      ...summary.goals.map(g => [g.what, g.id === 'false-positives' ? count(summary.sides.meshwork?.falsePositives ?? Number.NaN) : times(g.ratio), g.target, g.verdict])
    ]))
    lines.push('')
  }

  const roundRows: string[][] = []
  for (const run of runs) {
    for (const [r, kill] of run.kills.entries()) {
      const pause = run.pauses[r]
      const d = kill.detections.map(x => x.ms)
      roundRows.push([
        run.side, String(r + 1), String(kill.victim), kill.firstSuspicionMs === undefined ? '–' : String(kill.firstSuspicionMs),
        d.length === 0 ? '–' : `${d[0]}`, d.length === 0 ? '–' : `${d[Math.floor((d.length - 1) / 2)]}`, d.length === 0 ? '–' : `${d[d.length - 1]}`,
        `${kill.detections.length}/${kill.detections.length + kill.undetected.length}`,
        pause === undefined ? '–' : String(pause.victim),
        pause === undefined ? '–' : String(pause.pausedMs),
        pause === undefined ? '–' : String(pause.falsePositives.length),
        pause === undefined ? '–' : `${pause.suspicions}/${run.side === 'serf' ? '–' : pause.refutations}`
      ])
    }
  }
  lines.push(formatTable([
    ['side', 'round', 'killed', 'suspected ms', 'first ms', 'median ms', 'last ms', 'detected', 'paused', 'paused ms', 'false pos.', 'susp./refut.'],
    ...roundRows
  ], 1))
  for (const run of runs) {
    const fps = run.pauses.flatMap(p => p.falsePositives.map(f => `pause round ${p.round + 1}: ${f.observer} declared ${f.subject ?? '?'} failed ${f.msAfterPause} ms after the SIGSTOP`))
      .concat(run.kills.flatMap(k => k.otherFailures.map(f => `kill round ${k.round + 1}: ${f.observer} declared ${f.subject ?? '?'} failed ${f.ms} ms after the SIGKILL`)))
    if (fps.length > 0) lines.push(`${run.side} false positives: ${fps.join('; ')}`)
    lines.push(`${run.side}: started in ${(run.startMs / 1000).toFixed(1)} s, converged in ${(run.firstConvergeMs / 1000).toFixed(1)} s; ` +
      `rejoin after a kill ${run.kills.map(k => (k.recoveryMs / 1000).toFixed(1)).join(', ')} s; side took ${((info.sideMs[run.side] ?? 0) / 1000).toFixed(0)} s`)
  }
  return lines.join('\n')
}
