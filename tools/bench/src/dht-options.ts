import type { LookupParams } from './dht-lookups.js'
import type { SettleParams } from './dht-network.js'
import type { NodeSettings } from './dht-node.js'
import { UsageError } from './options.js'

export interface DhtBenchOptions {
  nodes: number
  /** Each node dials this many earlier nodes. */
  degree: number
  /** Lookups per side in all, split evenly over the rounds. */
  lookups: number
  rounds: number
  seed: number
  json: boolean
  settings: NodeSettings
  settle: SettleParams
  lookup: LookupParams
}

export const DHT_USAGE = `Usage: node dist/src/dht-lookup.js [options]

Meshwork's DHT (@meshwork/dht on core-mesh) against vanilla kad-dht: two networks of the same
size and seeded topology on the memory transport, one worker thread each; the same seeded
findPeer lookups on both; latency p50/p95, hops and success rate, printed as ratios.

  --lookups N      lookups per side, split over the rounds (default 200; --quick 40)
  --rounds N       rounds, the side order alternating each round (default 2); a round runs
                   its lookups in batches of at most nodes/2, both sides per batch
  --nodes N        nodes per network (default 100)
  --degree N       topology: each node dials N seeded-random earlier nodes (default 3)
  --timeout-ms N   time limit of one lookup (default 10000)
  --seed N         seed of the topology and the lookup pairs (default 1)
  --heartbeat-ms N               both sides: how often each connection is pinged — Meshwork's
                                 link monitor (core-mesh default 1000) and libp2p's connection
                                 monitor on the vanilla nodes (default 10000); default 60000
  --mesh-heartbeat-timeout-ms N  Meshwork heartbeat timeout (default 10000; core-mesh: 1000)
  --walk-interval-ms N           Meshwork DHT random-walk interval (default 3600000, i.e. none
                                 after the first during the run; @meshwork/dht: 60000)
  --mesh-alpha N                 Meshwork DHT alpha (default: @meshwork/dht's, 5; kad-dht's is 10)
  --quick          40 lookups: a smoke run
  --json           print the results as JSON instead of the table (progress stays on stderr)
  --help           this text
`

function positiveInteger (flag: string, text: string | undefined, allowZero = false): number {
  const value = Number(text)
  if (text === undefined || !Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(text)}`)
  }
  return value
}

/** Parse the command line; throws `UsageError` on anything it does not know. */
export function parseDhtOptions (argv: readonly string[]): DhtBenchOptions | 'help' {
  let quick = false
  let json = false
  const values: Record<string, number | undefined> = {}
  const numeric: Record<string, boolean> = {
    '--lookups': false,
    '--rounds': false,
    '--nodes': false,
    '--degree': false,
    '--timeout-ms': false,
    '--seed': true,
    '--heartbeat-ms': false,
    '--mesh-heartbeat-timeout-ms': false,
    '--walk-interval-ms': false,
    '--mesh-alpha': false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return 'help'
    else if (arg === '--quick') quick = true
    else if (arg === '--json') json = true
    else if (arg in numeric) values[arg] = positiveInteger(arg, argv[++i], numeric[arg])
    else throw new UsageError(`unknown option ${arg}`)
  }
  const nodes = values['--nodes'] ?? 100
  if (nodes < 3) throw new UsageError('--nodes needs at least 3')
  const rounds = values['--rounds'] ?? 2
  const lookups = values['--lookups'] ?? (quick ? 40 : 200)
  if (lookups < rounds) throw new UsageError('--lookups needs at least one lookup per round')
  return {
    nodes,
    degree: values['--degree'] ?? 3,
    lookups,
    rounds,
    seed: values['--seed'] ?? 1,
    json,
    settings: {
      limits: { maxConnections: 10_000, maxIncomingPending: 10_000, inboundConnectionThreshold: 100_000 },
      heartbeatIntervalMs: values['--heartbeat-ms'] ?? 60_000,
      meshwork: {
        heartbeatTimeoutMs: values['--mesh-heartbeat-timeout-ms'] ?? 10_000,
        randomWalkIntervalMs: values['--walk-interval-ms'] ?? 3_600_000,
        alpha: values['--mesh-alpha']
      }
    },
    settle: { minMs: 20_000, maxMs: 90_000, pollMs: 2_000, minRoutingTable: 2, tolerance: 0.02, maxUtilisation: 0.5 },
    lookup: {
      timeoutMs: values['--timeout-ms'] ?? 10_000,
      quiet: { threshold: 0.5, windowMs: 100, maxMs: 1_000 }
    }
  }
}

/** How many of the lookups round `round` runs (the remainder goes to the first rounds). */
export function lookupsInRound (options: Pick<DhtBenchOptions, 'lookups' | 'rounds'>, round: number): number {
  return Math.floor(options.lookups / options.rounds) + (round < options.lookups % options.rounds ? 1 : 0)
}

/** A round's lookups as batches of at most `max`, as even as possible. */
export function batchSizes (total: number, max: number): number[] {
  const count = Math.ceil(total / max)
  return Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0))
}
