import type { SettleParams } from './broadcast-network.js'
import { DEFAULT_PLUMTREE_CONFIG } from '@meshwork/gossip'
import type { BroadcastNodeSettings, PlumtreeTunable } from './broadcast-node.js'
import type { PhaseParams } from './broadcast-phase.js'
import { UsageError } from './options.js'

export interface BroadcastBenchOptions {
  nodes: number
  /** Each node dials this many earlier nodes. */
  degree: number
  /** Steady-state messages per side in all, split evenly over the rounds. */
  messages: number
  /** Messages per side before the measured rounds (reported apart). */
  warmup: number
  rounds: number
  seed: number
  json: boolean
  settings: Omit<BroadcastNodeSettings, 'index'>
  settle: SettleParams
  phase: PhaseParams
}

export const BROADCAST_USAGE = `Usage: node dist/src/broadcast-vs-gossipsub.js [options]

Meshwork's Plumtree broadcast (@meshwork/gossip on core-mesh nodes) against @libp2p/gossipsub:
two networks of the same size and seeded topology on the memory transport (Noise + Yamux), one
worker thread each; the same seeded messages from the same origins at the same fixed rate on
both; payload copies received per node, delivery latency p50/p99 and hops, as ratios.

  --messages N     steady-state messages per side, split over the rounds (default 200; --quick 40)
  --warmup N       messages per side before the rounds, reported apart: they shape Plumtree's
                   tree (default 20; --quick 10; 0 for none)
  --rounds N       rounds, the side order alternating each round (default 2)
  --nodes N        nodes per network (default 100)
  --degree N       topology: each node dials N seeded-random earlier nodes (default 6, so every
                   node can reach gossipsub's D = 6 mesh peers)
  --rate N         messages per second, network-wide, at fixed intervals (default 1: one
                   broadcast costs gossipsub's 100 nodes ~0.6–0.8 s of CPU on their one thread,
                   and a faster rate measures the backlog instead)
  --payload-bytes N  payload size, at least 20 (default 1024)
  --seed N         seed of the topology, the origins and Meshwork's random sources (default 1)
  --delivery-timeout-ms N  after the last publish, how long to wait for every delivery (default 15000)
  --drain-ms N     then how long late copies may still arrive before counting (default 3000)
  --heartbeat-ms N both sides: how often each connection is pinged — core-mesh's link monitor
                   (default 1000) and libp2p's connection monitor (default 10000); default 60000
  --mesh-heartbeat-timeout-ms N  Meshwork heartbeat timeout (default 10000; core-mesh: 1000)
  --plumtree K=V,… Meshwork only: Plumtree tunables that depart from its defaults, e.g.
                   announceRounds=1,lazyIntervalMs=500 (to try a default; none by default)
  --quick          40 messages after 10 of warm-up: a smoke run
  --json           print the results as JSON instead of the table (progress stays on stderr)
  --help           this text
`

function integer (flag: string, text: string | undefined, min: number): number {
  const value = Number(text)
  if (text === undefined || !Number.isInteger(value) || value < min) throw new UsageError(`${flag} needs an integer ≥ ${min}, got ${String(text)}`)
  return value
}

/** `announceRounds=1,lazyIntervalMs=500` → the Plumtree tunables it names. */
function parsePlumtree (text: string | undefined): Partial<Record<PlumtreeTunable, number>> {
  const config: Partial<Record<PlumtreeTunable, number>> = {}
  for (const pair of (text ?? '').split(',').filter(p => p !== '')) {
    const [key, value] = pair.split('=')
    if (!(key in DEFAULT_PLUMTREE_CONFIG)) throw new UsageError(`--plumtree: unknown tunable ${key}; known: ${Object.keys(DEFAULT_PLUMTREE_CONFIG).join(', ')}`)
    const number = Number(value)
    if (value === undefined || !Number.isFinite(number)) throw new UsageError(`--plumtree: ${key} needs a number, got ${String(value)}`)
    config[key as PlumtreeTunable] = number
  }
  if (Object.keys(config).length === 0) throw new UsageError(`--plumtree needs key=value pairs, got ${String(text)}`)
  return config
}

/** Parse the command line; throws `UsageError` on anything it does not know. */
export function parseBroadcastOptions (argv: readonly string[]): BroadcastBenchOptions | 'help' {
  let quick = false
  let json = false
  let plumtree: Partial<Record<PlumtreeTunable, number>> = {}
  const values: Record<string, number | undefined> = {}
  const minimum: Record<string, number> = {
    '--messages': 1,
    '--warmup': 0,
    '--rounds': 1,
    '--nodes': 3,
    '--degree': 1,
    '--payload-bytes': 20,
    '--seed': 0,
    '--delivery-timeout-ms': 1,
    '--drain-ms': 0,
    '--heartbeat-ms': 1,
    '--mesh-heartbeat-timeout-ms': 1
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return 'help'
    else if (arg === '--quick') quick = true
    else if (arg === '--json') json = true
    else if (arg === '--plumtree') plumtree = parsePlumtree(argv[++i])
    else if (arg === '--rate') {
      const text = argv[++i]
      values[arg] = Number(text)
      if (text === undefined || !(Number.isFinite(values[arg]) && (values[arg] ?? 0) > 0)) throw new UsageError(`--rate needs a positive number, got ${String(text)}`)
    } else if (arg in minimum) values[arg] = integer(arg, argv[++i], minimum[arg])
    else throw new UsageError(`unknown option ${arg}`)
  }
  const rounds = values['--rounds'] ?? 2
  const messages = values['--messages'] ?? (quick ? 40 : 200)
  if (messages < rounds) throw new UsageError('--messages needs at least one message per round')
  const seed = values['--seed'] ?? 1
  if (seed >= 2 ** 32) throw new UsageError('--seed must be below 2^32')
  return {
    nodes: values['--nodes'] ?? 100,
    degree: values['--degree'] ?? 6,
    messages,
    warmup: values['--warmup'] ?? (quick ? 10 : 20),
    rounds,
    seed,
    json,
    settings: {
      limits: { maxConnections: 10_000, maxIncomingPending: 10_000, inboundConnectionThreshold: 100_000 },
      heartbeatIntervalMs: values['--heartbeat-ms'] ?? 60_000,
      meshHeartbeatTimeoutMs: values['--mesh-heartbeat-timeout-ms'] ?? 10_000,
      plumtree,
      seed
    },
    settle: { minMs: 10_000, maxMs: 90_000, pollMs: 2_000, tolerance: 0.02, maxUtilisation: 0.5 },
    phase: {
      rateHz: values['--rate'] ?? 1,
      payloadBytes: values['--payload-bytes'] ?? 1024,
      deliveryTimeoutMs: values['--delivery-timeout-ms'] ?? 15_000,
      drainMs: values['--drain-ms'] ?? 3_000
    }
  }
}
