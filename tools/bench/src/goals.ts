/**
 * The channel goals of SPEC.md's "Performance goals" table, as ratios of Meshwork to the
 * bare js-libp2p stream measured in the same run (and, for small messages, a floor).
 */

export type Verdict = 'PASS' | 'MISS'

export interface GoalInput {
  /** Median over rounds of (Meshwork ÷ bare) in the same round. */
  ratio: number
  /** Meshwork's own median figure, for goals with an absolute floor. */
  meshwork: number
}

export interface Goal {
  id: 'bulk' | 'small' | 'rtt-p50' | 'rtt-p99'
  what: string
  target: string
  /** Higher is better for throughput ratios, lower for latency ratios. */
  verdict(input: GoalInput): Verdict
  /** A second, optional bar (the stretch goal), judged the same way. */
  stretch?: { target: string, verdict(input: GoalInput): Verdict }
}

const pass = (ok: boolean): Verdict => ok ? 'PASS' : 'MISS'

export const SMALL_MESSAGES_FLOOR = 50_000

export const CHANNEL_GOALS: readonly Goal[] = [
  {
    id: 'bulk',
    what: 'bulk throughput on one channel',
    target: '≥ 1.0×',
    verdict: ({ ratio }) => pass(ratio >= 1.0),
    stretch: { target: '≥ 1.5×', verdict: ({ ratio }) => pass(ratio >= 1.5) }
  },
  {
    id: 'small',
    what: 'small messages per second, one node',
    target: `≥ 1.0× and ≥ ${SMALL_MESSAGES_FLOOR / 1000}k msgs/s`,
    verdict: ({ ratio, meshwork }) => pass(ratio >= 1.0 && meshwork >= SMALL_MESSAGES_FLOOR)
  },
  {
    id: 'rtt-p50',
    what: 'round trip p50 on an open channel',
    target: '≤ 1.1×',
    verdict: ({ ratio }) => pass(ratio <= 1.1)
  },
  {
    id: 'rtt-p99',
    what: 'round trip p99 on an open channel',
    target: '≤ 1.1×',
    verdict: ({ ratio }) => pass(ratio <= 1.1)
  }
]
