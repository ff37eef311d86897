import { CHANNEL_GOALS, type Goal, type Verdict } from './goals.js'
import type { WorkloadId } from './options.js'
import type { RunFailure } from './rounds.js'
import { median, relativeSpread } from './stats.js'

/** The figures one run of one side yields; each workload fills its own. */
export type FigureId =
  | 'bulkBytesPerSecond' | 'bulkCpuMsPerMB'
  | 'smallMessagesPerSecond' | 'smallCpuUsPerMessage'
  | 'rttP50Us' | 'rttP99Us'

/** Cost figures: no goal in SPEC.md, shown as ratios because they explain the goals' ratios. */
export const COST_FIGURES: readonly FigureId[] = ['bulkCpuMsPerMB', 'smallCpuUsPerMessage']

/** Per side, per figure, one value per round (index = round; a failed run leaves a hole). */
export type RoundResults = Record<string, Partial<Record<FigureId, number[]>>>

export interface FigureSummary {
  median: number
  /** (max − min) ÷ median over the rounds. */
  spread: number
  rounds: number[]
}

export interface GoalSummary {
  id: Goal['id']
  what: string
  target: string
  /** Meshwork ÷ baseline, per round (same round, so drift cancels), and their median. */
  ratioPerRound: number[]
  ratio: number
  meshwork: number
  /** Runs of the subject in this goal's workload that failed: any one is a MISS. */
  failedRuns: number
  verdict: Verdict
  stretch?: { target: string, verdict: Verdict }
  /** The same ratio against the extra baselines (information only, no verdict). */
  otherRatios: Record<string, number>
}

export interface CostSummary {
  figure: FigureId
  /** Median over rounds of (Meshwork ÷ baseline) in the same round; above 1 costs more. */
  ratio: number
  otherRatios: Record<string, number>
}

export interface Summary {
  sides: Record<string, Partial<Record<FigureId, FigureSummary>>>
  goals: GoalSummary[]
  costs: CostSummary[]
}

const GOAL_FIGURE: Record<Goal['id'], FigureId> = {
  bulk: 'bulkBytesPerSecond',
  small: 'smallMessagesPerSecond',
  'rtt-p50': 'rttP50Us',
  'rtt-p99': 'rttP99Us'
}

const GOAL_WORKLOAD: Record<Goal['id'], WorkloadId> = { bulk: 'bulk', small: 'small', 'rtt-p50': 'rtt', 'rtt-p99': 'rtt' }

const present = (value: number | undefined): value is number => value !== undefined && Number.isFinite(value)

/** Per-round ratios of `subject` to `baseline` for one figure; rounds missing either are skipped. */
function ratiosPerRound (results: RoundResults, subject: string, baseline: string, figure: FigureId): number[] {
  const a = results[subject]?.[figure] ?? []
  const b = results[baseline]?.[figure] ?? []
  const ratios: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (present(a[i]) && present(b[i])) ratios.push(a[i] / b[i])
  }
  return ratios
}

/**
 * Medians and spreads per side, and for each goal the median of the per-round ratios of
 * `subject` (Meshwork) to `baseline` (the bare stream with the same yamux settings).
 */
export function summarize (
  results: RoundResults,
  failures: readonly RunFailure[],
  subject: string,
  baseline: string,
  extraBaselines: readonly string[]
): Summary {
  const sides: Summary['sides'] = {}
  for (const [side, figures] of Object.entries(results)) {
    sides[side] = {}
    for (const [figure, rounds] of Object.entries(figures) as Array<[FigureId, number[]]>) {
      const values = Array.from(rounds, v => v).filter(present)
      if (values.length > 0) sides[side][figure] = { median: median(values), spread: relativeSpread(values), rounds: Array.from(rounds, v => v ?? NaN) }
    }
  }
  const goals: GoalSummary[] = []
  for (const goal of CHANNEL_GOALS) {
    const figure = GOAL_FIGURE[goal.id]
    const perRound = ratiosPerRound(results, subject, baseline, figure)
    const own = sides[subject]?.[figure]
    const failedRuns = failures.filter(f => f.side === subject && f.workload === GOAL_WORKLOAD[goal.id]).length
    if ((perRound.length === 0 || own === undefined) && failedRuns === 0) continue
    // With every run failed there is no ratio; NaN prints as such and the verdict is MISS.
    const input = { ratio: perRound.length === 0 ? NaN : median(perRound), meshwork: own?.median ?? NaN }
    const otherRatios: Record<string, number> = {}
    for (const other of extraBaselines) {
      const ratios = ratiosPerRound(results, subject, other, figure)
      if (ratios.length > 0) otherRatios[other] = median(ratios)
    }
    goals.push({
      id: goal.id,
      what: goal.what,
      target: goal.target,
      ratioPerRound: perRound,
      ratio: input.ratio,
      meshwork: input.meshwork,
      failedRuns,
      verdict: failedRuns > 0 ? 'MISS' : goal.verdict(input),
      ...(goal.stretch === undefined ? {} : { stretch: { target: goal.stretch.target, verdict: failedRuns > 0 ? 'MISS' : goal.stretch.verdict(input) } }),
      otherRatios
    })
  }
  const costs: CostSummary[] = []
  for (const figure of COST_FIGURES) {
    const perRound = ratiosPerRound(results, subject, baseline, figure)
    if (perRound.length === 0) continue
    const otherRatios: Record<string, number> = {}
    for (const other of extraBaselines) {
      const ratios = ratiosPerRound(results, subject, other, figure)
      if (ratios.length > 0) otherRatios[other] = median(ratios)
    }
    costs.push({ figure, ratio: median(perRound), otherRatios })
  }
  return { sides, goals, costs }
}
