import type { Verdict } from './goals.js'
import type { KvSideId } from './kv-cluster.js'
import type { FailoverRound } from './kv-failover.js'
import { failoverVerdict, FAILOVER_GOAL_MS, KV_LOAD_GOALS } from './kv-goals.js'
import type { LoadLevelResult } from './kv-load.js'
import type { ServerUsage } from './kv-process-usage.js'
import { percentile } from './stats.js'

/** Everything one side measured. */
export interface KvSideRun {
  side: KvSideId
  settings: string[]
  /** Start of the processes → a leader taking writes through every member. */
  startMs: number
  /** The three servers with no load, right after they were ready. */
  idle: ServerUsage
  levels: LoadLevelResult[]
  failovers: FailoverRound[]
  /** Wall time of the whole side. */
  sideMs: number
}

export interface FailoverFigures {
  rounds: number
  /** Over the rounds that got an acknowledgement. */
  p50Ms: number
  /** Infinity when a round got none. */
  maxMs: number
  /** Rounds with no acknowledged write within the limit. */
  failed: number
  rejoinP50Ms: number
}

export interface LevelRatios {
  clients: number
  /** Meshwork ÷ etcd. */
  throughput: number
  p50: number
  p99: number
}

export interface KvGoalResult {
  what: string
  target: string
  /** A ratio (load goals) or Meshwork's ms (failover). */
  value: number
  unit: '×' | 'ms'
  verdict: Verdict
}

export interface KvSummary {
  failover: Partial<Record<KvSideId, FailoverFigures>>
  /** Per load level both sides ran. */
  ratios: LevelRatios[]
  goals: KvGoalResult[]
}

export function failoverFigures (rounds: readonly FailoverRound[]): FailoverFigures {
  const times = rounds.flatMap(r => r.failoverMs === undefined ? [] : [r.failoverMs])
  const failed = rounds.length - times.length
  const rejoins = rounds.map(r => r.rejoinMs)
  return {
    rounds: rounds.length,
    p50Ms: times.length === 0 ? Number.NaN : percentile(times, 0.5),
    maxMs: failed > 0 ? Infinity : times.length === 0 ? Number.NaN : Math.max(...times),
    failed,
    rejoinP50Ms: rejoins.length === 0 ? Number.NaN : percentile(rejoins, 0.5)
  }
}

/** Ratios per level and verdicts against SPEC.md's Raft goals. */
export function summarizeKv (runs: readonly KvSideRun[]): KvSummary {
  const bySide = new Map(runs.map(run => [run.side, run]))
  const failover: KvSummary['failover'] = {}
  for (const run of runs) if (run.failovers.length > 0) failover[run.side] = failoverFigures(run.failovers)

  const ratios: LevelRatios[] = []
  const goals: KvGoalResult[] = []
  const meshwork = bySide.get('meshwork')
  const etcd = bySide.get('etcd')
  if (meshwork !== undefined && etcd !== undefined) {
    for (const level of meshwork.levels) {
      const anchor = etcd.levels.find(l => l.clients === level.clients)
      if (anchor === undefined) continue
      const ratio: LevelRatios = {
        clients: level.clients,
        throughput: level.writesPerSecond / anchor.writesPerSecond,
        p50: level.p50Ms / anchor.p50Ms,
        p99: level.p99Ms / anchor.p99Ms
      }
      ratios.push(ratio)
      for (const goal of KV_LOAD_GOALS) {
        goals.push({ what: `${goal.what}, ${level.clients} client${level.clients === 1 ? '' : 's'}`, target: goal.target, value: ratio[goal.figure], unit: '×', verdict: goal.verdict(ratio[goal.figure]) })
      }
    }
  }
  const meshworkFailover = failover.meshwork
  if (meshworkFailover !== undefined) {
    goals.push(
      { what: 'failover, p50 of rounds', target: `≤ ${FAILOVER_GOAL_MS} ms`, value: meshworkFailover.p50Ms, unit: 'ms', verdict: failoverVerdict(meshworkFailover.p50Ms) },
      { what: 'failover, slowest round', target: `≤ ${FAILOVER_GOAL_MS} ms`, value: meshworkFailover.maxMs, unit: 'ms', verdict: failoverVerdict(meshworkFailover.maxMs) }
    )
  }
  return { failover, ratios, goals }
}
