import { CHANNEL_GOALS, type Goal, type Verdict } from './goals.js'
import { median, relativeSpread } from './stats.js'

/** The figures one run of one side yields; each workload fills its own. */
export type FigureId = 'bulkBytesPerSecond' | 'smallMessagesPerSecond' | 'rttP50Us' | 'rttP99Us'

/** Per side, per figure, one value per round (index = round). */
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
  verdict: Verdict
  stretch?: { target: string, verdict: Verdict }
  /** The same ratio against the extra baselines (information only, no verdict). */
  otherRatios: Record<string, number>
}

export interface Summary {
  sides: Record<string, Partial<Record<FigureId, FigureSummary>>>
  goals: GoalSummary[]
}

const GOAL_FIGURE: Record<Goal['id'], FigureId> = {
  bulk: 'bulkBytesPerSecond',
  small: 'smallMessagesPerSecond',
  'rtt-p50': 'rttP50Us',
  'rtt-p99': 'rttP99Us'
}

/** Per-round ratios of `subject` to `baseline` for one figure; rounds missing either are skipped. */
function ratiosPerRound (results: RoundResults, subject: string, baseline: string, figure: FigureId): number[] {
  const a = results[subject]?.[figure] ?? []
  const b = results[baseline]?.[figure] ?? []
  const ratios: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) ratios.push(a[i] / b[i])
  return ratios
}

/**
 * Medians and spreads per side, and for each goal the median of the per-round ratios of
 * `subject` (Meshwork) to `baseline` (the bare stream with the same yamux settings).
 */
export function summarize (results: RoundResults, subject: string, baseline: string, extraBaselines: readonly string[]): Summary {
  const sides: Summary['sides'] = {}
  for (const [side, figures] of Object.entries(results)) {
    sides[side] = {}
    for (const [figure, rounds] of Object.entries(figures) as Array<[FigureId, number[]]>) {
      if (rounds.length > 0) sides[side][figure] = { median: median(rounds), spread: relativeSpread(rounds), rounds }
    }
  }
  const goals: GoalSummary[] = []
  for (const goal of CHANNEL_GOALS) {
    const figure = GOAL_FIGURE[goal.id]
    const perRound = ratiosPerRound(results, subject, baseline, figure)
    const own = sides[subject]?.[figure]
    if (perRound.length === 0 || own === undefined) continue
    const input = { ratio: median(perRound), meshwork: own.median }
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
      verdict: goal.verdict(input),
      ...(goal.stretch === undefined ? {} : { stretch: { target: goal.stretch.target, verdict: goal.stretch.verdict(input) } }),
      otherRatios
    })
  }
  return { sides, goals }
}
