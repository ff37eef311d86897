/**
 * SPEC.md's Raft goals ("Performance goals"): writes/s and latency of 3 nodes with fsync against
 * Debian's etcd 3.4 on the same machine (≥ 1.0× throughput, ≤ 1.0× latency), and failover
 * within 0.5 s (etcd's defaults give 1–2 s).
 */
import type { Verdict } from './goals.js'

export const FAILOVER_GOAL_MS = 500

const pass = (ok: boolean): Verdict => ok ? 'PASS' : 'MISS'

export type KvLoadFigure = 'throughput' | 'p50' | 'p99'

export interface KvLoadGoal {
  figure: KvLoadFigure
  what: string
  target: string
  /** `ratio` = Meshwork ÷ etcd at the same level; NaN (a side measured nothing) misses. */
  verdict(ratio: number): Verdict
}

export const KV_LOAD_GOALS: readonly KvLoadGoal[] = [
  { figure: 'throughput', what: 'writes/s', target: '≥ 1.0×', verdict: ratio => pass(ratio >= 1.0) },
  { figure: 'p50', what: 'write latency p50', target: '≤ 1.0×', verdict: ratio => pass(ratio <= 1.0) },
  { figure: 'p99', what: 'write latency p99', target: '≤ 1.0×', verdict: ratio => pass(ratio <= 1.0) }
]

/** Failover is judged on Meshwork's own time; a round with no acknowledged write is infinitely slow. */
export const failoverVerdict = (ms: number): Verdict => pass(Number.isFinite(ms) && ms <= FAILOVER_GOAL_MS)
