import type { FlowParams, RoundTripParams } from './workloads.js'

export type WorkloadId = 'bulk' | 'small' | 'rtt'
export const WORKLOADS: readonly WorkloadId[] = ['bulk', 'small', 'rtt']

export interface BenchOptions {
  rounds: number
  json: boolean
  quick: boolean
  workloads: WorkloadId[]
  bulk: FlowParams
  small: FlowParams
  rtt: RoundTripParams
  /** One short unrecorded run of everything on every side first, so no side meets a cold JIT. */
  warmup: { bulk: FlowParams, small: FlowParams, rtt: RoundTripParams }
}

export const USAGE = `Usage: node dist/src/channel-vs-libp2p.js [options]

Meshwork core-mesh channel against a bare js-libp2p v3 stream, same run, same kind of nodes.

  --quick          short runs (about 20 s in all, noisier), for CI
  --rounds N       rounds per workload, sides alternating order each round (default 3)
  --seconds S      measured seconds per bulk and small-message run (default 2.5, quick 0.5)
  --round-trips N  measured round trips per RTT run (default 5000, quick 2000)
  --only LIST      comma-separated subset of: bulk,small,rtt
  --json           print the results as JSON instead of the table (progress stays on stderr)
  --help           this text
`

const KiB = 1024

function profile (quick: boolean): Omit<BenchOptions, 'rounds' | 'json' | 'workloads'> {
  const flowWarmupMs = quick ? 250 : 500
  const flowMs = quick ? 500 : 2500
  return {
    quick,
    bulk: { payloadBytes: 64 * KiB, warmupMs: flowWarmupMs, durationMs: flowMs },
    small: { payloadBytes: 32, warmupMs: flowWarmupMs, durationMs: flowMs },
    rtt: { payloadBytes: 32, warmupRoundTrips: quick ? 300 : 1000, roundTrips: quick ? 2000 : 5000 },
    warmup: {
      bulk: { payloadBytes: 64 * KiB, warmupMs: 100, durationMs: quick ? 100 : 300 },
      small: { payloadBytes: 32, warmupMs: 100, durationMs: quick ? 100 : 300 },
      rtt: { payloadBytes: 32, warmupRoundTrips: 0, roundTrips: quick ? 300 : 1000 }
    }
  }
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

function positiveNumber (flag: string, text: string | undefined): number {
  const value = Number(text)
  if (text === undefined || !Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} needs a positive number, got ${String(text)}`)
  return value
}

/** Parse the command line; throws `UsageError` on anything it does not know. */
export function parseOptions (argv: readonly string[]): BenchOptions | 'help' {
  let quick = false
  let json = false
  let rounds: number | undefined
  let seconds: number | undefined
  let roundTrips: number | undefined
  let workloads: WorkloadId[] = [...WORKLOADS]
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case '--help': case '-h': return 'help'
      case '--quick': quick = true; break
      case '--json': json = true; break
      case '--rounds': rounds = Math.round(positiveNumber(arg, argv[++i])); break
      case '--seconds': seconds = positiveNumber(arg, argv[++i]); break
      case '--round-trips': roundTrips = Math.round(positiveNumber(arg, argv[++i])); break
      case '--only': {
        const list = (argv[++i] ?? '').split(',').filter(w => w !== '')
        const unknown = list.filter(w => !(WORKLOADS as readonly string[]).includes(w))
        if (list.length === 0 || unknown.length > 0) throw new UsageError(`--only takes a list of ${WORKLOADS.join(',')}, got ${String(argv[i])}`)
        workloads = WORKLOADS.filter(w => list.includes(w))
        break
      }
      default: throw new UsageError(`unknown option ${arg}`)
    }
  }
  const base = profile(quick)
  if (seconds !== undefined) {
    base.bulk.durationMs = seconds * 1000
    base.small.durationMs = seconds * 1000
  }
  if (roundTrips !== undefined) base.rtt.roundTrips = roundTrips
  return { ...base, rounds: rounds ?? 3, json, workloads }
}
