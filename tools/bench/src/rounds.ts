import type { BenchOptions, WorkloadId } from './options.js'
import type { RunningSide } from './running-side.js'
import type { FigureId, RoundResults } from './summary.js'

type Figures = Partial<Record<FigureId, number>>
type WorkloadParams = Pick<BenchOptions, 'bulk' | 'small' | 'rtt'>

/** A run that did not complete: its figures are left out and the goal it feeds is missed. */
export interface RunFailure { workload: WorkloadId, round: number, side: string, message: string }

/** Link events (drops, link-monitor verdicts) seen during one run. */
export interface RunLinkEvents { workload: WorkloadId, round: number, side: string, events: string[] }

export interface RoundsOutcome {
  results: RoundResults
  failures: RunFailure[]
  linkEvents: RunLinkEvents[]
}

/** Run one workload once on one side; returns the figures it yields. */
async function runOnce (side: RunningSide, workload: WorkloadId, params: WorkloadParams): Promise<Figures> {
  await side.reconnect()
  switch (workload) {
    case 'bulk': {
      const result = await side.runFlow('bytes', params.bulk)
      return { bulkBytesPerSecond: result.bytesPerSecond, bulkCpuMsPerMB: result.cpuSeconds * 1000 / (result.bytes / 1e6) }
    }
    case 'small': {
      const result = await side.runFlow('messages', params.small)
      return { smallMessagesPerSecond: result.unitsPerSecond, smallCpuUsPerMessage: result.cpuSeconds * 1e6 / result.units }
    }
    case 'rtt': {
      const result = await side.runRoundTrips(params.rtt)
      return { rttP50Us: result.p50Us, rttP99Us: result.p99Us }
    }
  }
}

export function describeFigures (figures: Figures): string {
  const parts: string[] = []
  if (figures.bulkBytesPerSecond !== undefined) parts.push(`${(figures.bulkBytesPerSecond / 1e6).toFixed(1)} MB/s`)
  if (figures.bulkCpuMsPerMB !== undefined) parts.push(`CPU ${figures.bulkCpuMsPerMB.toFixed(2)} ms/MB`)
  if (figures.smallMessagesPerSecond !== undefined) parts.push(`${(figures.smallMessagesPerSecond / 1000).toFixed(1)}k msgs/s`)
  if (figures.smallCpuUsPerMessage !== undefined) parts.push(`CPU ${figures.smallCpuUsPerMessage.toFixed(1)} µs/msg`)
  if (figures.rttP50Us !== undefined) parts.push(`p50 ${figures.rttP50Us.toFixed(0)} µs`)
  if (figures.rttP99Us !== undefined) parts.push(`p99 ${figures.rttP99Us.toFixed(0)} µs`)
  return parts.join(', ')
}

const errorText = (err: unknown): string => err instanceof Error ? err.message : String(err)

/**
 * One short unrecorded pass of every workload on every side, then `rounds` rounds of each
 * workload in which every side runs once, the order alternating from round to round so
 * drift (other load, thermal, GC debt) does not favour one side. A run that fails is
 * recorded and the rounds go on.
 */
export async function runRounds (sides: readonly RunningSide[], options: BenchOptions, progress: (line: string) => void): Promise<RoundsOutcome> {
  const outcome: RoundsOutcome = { results: {}, failures: [], linkEvents: [] }
  for (const side of sides) outcome.results[side.id] = {}

  progress(`warm-up: ${options.workloads.join(', ')} once on each side (not recorded)`)
  for (const side of sides) {
    for (const workload of options.workloads) {
      try {
        await runOnce(side, workload, options.warmup)
      } catch (err) {
        progress(`warm-up ${workload} on ${side.id} failed: ${errorText(err)}`)
      }
    }
  }

  for (const workload of options.workloads) {
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse()
      for (const side of order) {
        const seen = side.linkEvents.length
        const label = `${workload.padEnd(5)} round ${round + 1}/${options.rounds}  ${side.id.padEnd(19)}`
        try {
          const figures = await runOnce(side, workload, options)
          for (const [figure, value] of Object.entries(figures) as Array<[FigureId, number]>) {
            (outcome.results[side.id][figure] ??= [])[round] = value
          }
          progress(`${label}  ${describeFigures(figures)}`)
        } catch (err) {
          outcome.failures.push({ workload, round, side: side.id, message: errorText(err) })
          progress(`${label}  FAILED: ${errorText(err)}`)
        }
        const events = side.linkEvents.slice(seen)
        if (events.length > 0) {
          outcome.linkEvents.push({ workload, round, side: side.id, events })
          progress(`${' '.repeat(label.length)}  link events: ${events.join('; ')}`)
        }
      }
    }
  }
  return outcome
}
