import { UsageError } from './options.js'
import type { SwimSideId } from './swim-cluster.js'

/**
 * The SWIM timings both sides run with. serf's agent does not expose memberlist's probe
 * settings (no flag, no config-file key: `cmd/serf/command/agent/config.go`); it only picks
 * one of memberlist's three profiles (`DefaultLANConfig`, `DefaultWANConfig`,
 * `DefaultLocalConfig`). So the benchmark picks a profile and gives Meshwork the same values.
 */
export interface SwimTimings {
  probeIntervalMs: number
  probeTimeoutMs: number
  suspicionMult: number
  suspicionMaxTimeoutMult: number
  indirectChecks: number
  retransmitMult: number
  gossipIntervalMs: number
  gossipNodes: number
  pushPullIntervalMs: number
  gossipToTheDeadMs: number
  awarenessMax: number
  /** serf's `reconnect_interval` (default 30 s), Meshwork's `reconnectIntervalMs`. */
  reconnectIntervalMs: number
}

export type SerfProfile = 'lan' | 'wan' | 'local'

const LAN: SwimTimings = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  indirectChecks: 3,
  retransmitMult: 4,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  pushPullIntervalMs: 30_000,
  gossipToTheDeadMs: 30_000,
  awarenessMax: 8,
  reconnectIntervalMs: 30_000
}

/** memberlist v0.5 `config.go`, the profiles serf's `-profile` selects. */
export const SERF_PROFILES: Readonly<Record<SerfProfile, SwimTimings>> = {
  lan: LAN,
  wan: { ...LAN, suspicionMult: 6, pushPullIntervalMs: 60_000, probeTimeoutMs: 3000, probeIntervalMs: 5000, gossipNodes: 4, gossipIntervalMs: 500, gossipToTheDeadMs: 60_000 },
  local: { ...LAN, indirectChecks: 1, retransmitMult: 2, suspicionMult: 3, pushPullIntervalMs: 15_000, probeTimeoutMs: 200, gossipIntervalMs: 100, gossipToTheDeadMs: 15_000 }
}

/** core-mesh's own link heartbeat on the Meshwork nodes: slow enough never to act before SWIM does. */
export interface LinkHeartbeat { intervalMs: number, timeoutMs: number, missesBeforeUnreachable: number }

export interface SwimBenchOptions {
  nodes: number
  /** Kill rounds and, as many, pause rounds per side. */
  rounds: number
  /** How long a paused member stays stopped (SIGSTOP … SIGCONT). */
  pauseMs: number
  /** After SIGCONT, keep counting failures this long. */
  pauseObserveMs: number
  /** A kill round gives up on observers that have not declared the victim failed by then. */
  detectionTimeoutMs: number
  /** Every live member must see every other as alive within this, before each round. */
  convergeTimeoutMs: number
  /** Idle time after convergence before a round starts, so no join gossip is still in flight. */
  quietMs: number
  profile: SerfProfile
  timings: SwimTimings
  heartbeat: LinkHeartbeat
  seed: number
  sides: SwimSideId[]
  json: boolean
  quick: boolean
}

export const SWIM_USAGE = `Usage: node dist/src/swim-vs-serf.js [options]

Failure detection of Meshwork's SWIM membership (@meshwork/gossip, one child process per node,
TCP on 127.0.0.1) against Debian's serf agents (one process each, 127.0.0.1), both with the
same memberlist timing profile. Per side: kill rounds (SIGKILL one member, time until each
other member declares it failed) and pause rounds (SIGSTOP one member for --pause-ms, then
SIGCONT; every failure declared in the round is a false positive). Installs serf with apt-get
(tools/bench/setup/install-serf.sh) when it is not on PATH.

  --nodes N              members per cluster (default 10; --quick 5)
  --rounds N             kill rounds, and as many pause rounds, per side (default 3; --quick 1)
  --pause-ms N           how long a paused member stays stopped (default 1500: under the
                         minimum suspicion timeout, 4 s at LAN settings and 10 members)
  --probe-interval-ms N  probe interval of both sides; serf cannot set it, only pick a profile:
                         1000 (lan, the default) or 5000 (wan)
  --profile NAME         lan | wan | local: memberlist's timing profile, both sides
  --only LIST            comma-separated subset of: serf,meshwork
  --seed N               seed of the choice of victims (default 1)
  --quick                5 members, 1 round of each kind: a smoke run (about 2 min)
  --json                 print the results as JSON instead of the table (progress on stderr)
  --help                 this text
`

function positiveInteger (flag: string, text: string | undefined, allowZero = false): number {
  const value = Number(text)
  if (text === undefined || !Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(text)}`)
  }
  return value
}

const PROFILES = Object.keys(SERF_PROFILES) as SerfProfile[]
const SIDES: readonly SwimSideId[] = ['serf', 'meshwork']

/** The profile that `--probe-interval-ms` and `--profile` name together; throws when serf cannot do it. */
function chooseProfile (profile: string | undefined, probeIntervalMs: number | undefined): SerfProfile {
  if (profile !== undefined && !(PROFILES as string[]).includes(profile)) throw new UsageError(`--profile takes one of ${PROFILES.join(', ')}, got ${profile}`)
  if (probeIntervalMs === undefined) return (profile as SerfProfile | undefined) ?? 'lan'
  const matching = profile !== undefined ? [profile as SerfProfile] : PROFILES.filter(p => p !== 'local')
  const chosen = matching.find(p => SERF_PROFILES[p].probeIntervalMs === probeIntervalMs)
  if (chosen === undefined) {
    throw new UsageError(`--probe-interval-ms ${probeIntervalMs}: serf's agent cannot set memberlist's probe interval, only pick a profile ` +
      `(${PROFILES.map(p => `${p}: ${SERF_PROFILES[p].probeIntervalMs} ms`).join(', ')})`)
  }
  return chosen
}

/** Parse the command line; throws `UsageError` on anything it does not know. */
export function parseSwimOptions (argv: readonly string[]): SwimBenchOptions | 'help' {
  let quick = false
  let json = false
  let profile: string | undefined
  let sides = [...SIDES]
  const values: Record<string, number | undefined> = {}
  const numeric: Record<string, boolean> = { '--nodes': false, '--rounds': false, '--pause-ms': false, '--probe-interval-ms': false, '--seed': true }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return 'help'
    else if (arg === '--quick') quick = true
    else if (arg === '--json') json = true
    else if (arg === '--profile') profile = argv[++i]
    else if (arg === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(s => s !== '')
      if (list.length === 0 || list.some(s => !(SIDES as string[]).includes(s))) throw new UsageError(`--only takes a list of ${SIDES.join(',')}, got ${String(argv[i])}`)
      sides = SIDES.filter(s => list.includes(s))
    } else if (arg in numeric) values[arg] = positiveInteger(arg, argv[++i], numeric[arg])
    else throw new UsageError(`unknown option ${arg}`)
  }
  const nodes = values['--nodes'] ?? (quick ? 5 : 10)
  if (nodes < 3) throw new UsageError('--nodes needs at least 3 (a victim and two observers)')
  if (nodes > 64) throw new UsageError('--nodes: at most 64 (one process per member on this machine)')
  const chosen = chooseProfile(profile, values['--probe-interval-ms'])
  const timings = SERF_PROFILES[chosen]
  const suspicion = suspicionBoundsMs(timings, nodes)
  const pauseMs = values['--pause-ms'] ?? 1500
  return {
    nodes,
    rounds: values['--rounds'] ?? (quick ? 1 : 3),
    pauseMs,
    // Long enough for a suspicion raised during the pause to run out at its minimum timeout.
    pauseObserveMs: Math.max(10_000, Math.ceil(2 * suspicion.minMs)),
    // Far above memberlist's worst case (two probe rounds, the maximum suspicion timeout, gossip).
    detectionTimeoutMs: Math.ceil(2 * (nodes - 1) * timings.probeIntervalMs + suspicion.maxMs + 10 * timings.probeIntervalMs),
    convergeTimeoutMs: 60_000 + 10 * timings.probeIntervalMs,
    quietMs: 2 * timings.probeIntervalMs,
    profile: chosen,
    timings,
    heartbeat: { intervalMs: 5_000, timeoutMs: 5_000, missesBeforeUnreachable: 2 },
    seed: values['--seed'] ?? 1,
    sides,
    json,
    quick
  }
}

/** Minimum and maximum suspicion timeouts of memberlist (and Meshwork) for `n` members. */
export function suspicionBoundsMs (timings: SwimTimings, n: number): { minMs: number, maxMs: number } {
  const minMs = timings.suspicionMult * Math.max(1, Math.log10(Math.max(1, n))) * timings.probeIntervalMs
  return { minMs, maxMs: timings.suspicionMaxTimeoutMult * minMs }
}
