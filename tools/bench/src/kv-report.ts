import type { Environment } from './environment.js'
import { KV_SIDES } from './kv-cluster.js'
import type { KvBenchOptions } from './kv-options.js'
import { formatTable } from './report.js'
import type { KvSideRun, KvSummary } from './kv-summary.js'

const fixed = (digits: number) => (v: number): string => Number.isFinite(v) ? v.toFixed(digits) : v === Infinity ? '∞' : '–'
const ms1 = fixed(1)
const ms2 = fixed(2)
const whole = fixed(0)
const times = (v: number): string => Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'
const errorText = (errors: Record<string, number>): string => {
  const entries = Object.entries(errors)
  return entries.length === 0 ? '0' : entries.map(([kind, n]) => `${n} ${kind}`).join(', ')
}
const label = (side: string): string => KV_SIDES.find(s => s.id === side)?.label ?? side

export interface KvRunInfo {
  env: Environment
  etcdVersion: string | undefined
}

function sideTable (run: KvSideRun): string {
  return formatTable([
    ['clients', 'writes/s', 'p50 ms', 'p99 ms', 'max ms', 'p50 via leader', 'p50 via follower', 'errors', 'servers CPU, cores', 'servers RSS, MiB', 'CPU µs/write', 'generator CPU, cores'],
    ...run.levels.map(l => [
      String(l.clients), whole(l.writesPerSecond), ms2(l.p50Ms), ms2(l.p99Ms), ms1(l.maxMs), ms2(l.viaLeaderP50Ms), ms2(l.viaFollowerP50Ms), errorText(l.errors),
      ms2(l.servers.cores), whole(l.servers.rssMiB), whole(l.writes === 0 ? Number.NaN : l.servers.cores * l.windowMs * 1000 / l.writes), ms2(l.generatorCores)
    ])
  ], 0)
}

function failoverTable (runs: readonly KvSideRun[]): string {
  return formatTable([
    ['side', 'round', 'killed leader', 'client wrote to', 'writes before kill', 'failover ms', 'acknowledged by', 'attempts', 'failed attempts', 'new leader', 'rejoin s'],
    ...runs.flatMap(run => run.failovers.map(r => [
      run.side, String(r.round + 1), String(r.killed), String(r.target), String(r.writesBeforeKill),
      r.failoverMs === undefined ? 'none' : whole(r.failoverMs), r.acknowledgedBy === undefined ? '–' : String(r.acknowledgedBy),
      String(r.attempts), errorText(r.errors), r.newLeader === undefined ? '?' : String(r.newLeader), (r.rejoinMs / 1000).toFixed(1)
    ]))
  ], 1)
}

/** The human-readable report: setup, a table per side, ratios, goals and every failover round. */
export function formatKvReport (summary: KvSummary, runs: readonly KvSideRun[], info: KvRunInfo, options: KvBenchOptions): string {
  const { env } = info
  const lines: string[] = []
  lines.push('Replicated KV writes over Raft: Meshwork (@meshwork/consensus, 3 × meshwork start) vs Debian etcd 3.4 (3 members) — 127.0.0.1, one process per member')
  lines.push(`${env.date}  node ${env.node}  ${env.cores} × ${env.cpu}  ${env.platform}  load ${env.loadAverage.toFixed(2)} at start`)
  lines.push([info.etcdVersion, ...Object.entries(env.packages).map(([name, version]) => `${name} ${version}`)].filter(s => s !== undefined).join(', '))
  lines.push(`load: closed-loop clients over HTTP/1.1 keep-alive, each write a ${options.load.valueBytes}-byte value to one of ${options.load.keys} keys, ` +
    `members in turn; ${options.load.warmupMs / 1000} s warm-up + ${options.load.measureMs / 1000} s measured per level${options.quick ? ' (--quick)' : ''}`)
  for (const run of runs) for (const setting of run.settings) lines.push(`${run.side}: ${setting}`)
  lines.push('')

  for (const run of runs) {
    lines.push(`${label(run.side)} — leader taking writes ${(run.startMs / 1000).toFixed(1)} s after start; idle: ${run.idle.cores.toFixed(2)} cores, ` +
      `${run.idle.rssMiB.toFixed(0)} MiB; side took ${(run.sideMs / 1000).toFixed(0)} s`)
    lines.push(sideTable(run))
    lines.push('')
  }
  lines.push('latency = send → whole answer read, acknowledged (2xx) writes answered in the window, ms; via leader / follower = the writes sent to ' +
    'the member that led when the level started / to the others; servers = the three member processes (/proc, all threads); idle = the same, ' +
    'over the seconds before the first level')
  lines.push('')

  if (summary.ratios.length > 0) {
    lines.push(formatTable([
      ['clients', 'writes/s meshwork ÷ etcd', 'p50 meshwork ÷ etcd', 'p99 meshwork ÷ etcd'],
      ...summary.ratios.map(r => [String(r.clients), times(r.throughput), times(r.p50), times(r.p99)])
    ], 0))
    lines.push('')
  }

  const failoverSides = runs.filter(run => summary.failover[run.side] !== undefined)
  if (failoverSides.length > 0) {
    lines.push(formatTable([
      ['failover (kill → first write acknowledged after it)', ...failoverSides.map(run => label(run.side))],
      ['rounds', ...failoverSides.map(run => String(summary.failover[run.side]?.rounds ?? 0))],
      ['p50, ms', ...failoverSides.map(run => whole(summary.failover[run.side]?.p50Ms ?? Number.NaN))],
      ['max, ms', ...failoverSides.map(run => whole(summary.failover[run.side]?.maxMs ?? Number.NaN))],
      ['rounds with no acknowledged write', ...failoverSides.map(run => String(summary.failover[run.side]?.failed ?? 0))],
      ['rejoin of the restarted member, p50, s', ...failoverSides.map(run => ((summary.failover[run.side]?.rejoinP50Ms ?? Number.NaN) / 1000).toFixed(1))]
    ]))
    lines.push(`after the kill the client sends a fresh write every ${options.failover.retryEveryMs} ms to the surviving members in turn ` +
      `(each abandoned after ${options.failover.attemptTimeoutMs} ms); writes sent before the kill do not count`)
    lines.push('')
  }

  if (summary.goals.length > 0) {
    lines.push(formatTable([
      ['goal (SPEC.md)', 'meshwork', 'target', 'result'],
      ...summary.goals.map(g => [g.what, g.unit === '×' ? times(g.value) : `${whole(g.value)} ms`, g.target, g.verdict])
    ]))
    lines.push('')
  }

  if (failoverSides.length > 0) lines.push(failoverTable(failoverSides))
  return lines.join('\n').trimEnd()
}
