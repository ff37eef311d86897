import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { InvalidConfChangeError, ProposalDroppedError } from '../../../src/errors.js'
import { isMemberOf } from '../../../src/raft/core/conf-state.js'
import type { ReadOnlyOption } from '../../../src/raft/core/config.js'
import { FAULT_KINDS, FaultInjector, type FaultKind } from './fault-injector.js'
import { KvWorkload, type WorkloadOptions } from './kv-workload.js'
import { checkRaftInvariants, type InvariantReport } from './raft-invariants.js'
import type { RunCounters } from './raft-evidence.js'
import { RaftSimCluster, type RaftClusterOptions } from './raft-sim-cluster.js'
import type { HostDefects, SimMember } from './sim-member.js'

export interface ScenarioOptions {
  /** Faults to inject; default: a random non-empty subset of every kind, drawn from the seed. */
  readonly faults?: readonly FaultKind[]
  /** Founding voters; default 3 or 5, drawn from the seed. */
  readonly size?: number
  /** Default: 'lease' in about one seed in four, else 'safe'. */
  readonly readOnly?: ReadOnlyOption
  /** How long faults are injected, in virtual ms. Default 5000. */
  readonly chaosMs?: number
  readonly workload?: Partial<WorkloadOptions>
  readonly cluster?: Partial<Omit<RaftClusterOptions, 'seed'>>
  /** Deliberate host defects, to show that the checks catch them. */
  readonly defects?: HostDefects
  /** Virtual ms allowed for the healed cluster to settle. Default 30 000. */
  readonly settleMs?: number
  /** Step budget of the linearizability check. Default 5 000 000. */
  readonly maxCheckSteps?: number
}

export interface ScenarioResult {
  readonly seed: number
  /** One line: size, read mode, faults, workload. */
  readonly description: string
  readonly faults: readonly FaultKind[]
  /** Everything that happened, with virtual times: faults, elections, membership changes. */
  readonly log: readonly string[]
  readonly counters: RunCounters
  /** Messages members refused as invalid, by error name (non-members after a removal, say). */
  readonly refusals: Readonly<Record<string, number>>
  readonly faultCounts: Readonly<Record<FaultKind, number>>
  readonly crashLosses: { readonly crashes: number, readonly writes: number, readonly entries: number }
  readonly midSyncCrashes: number
  /** Distinct terms that had a leader. */
  readonly leaderTerms: number
  readonly operations: { readonly completed: number, readonly failed: number, readonly unknown: number }
  readonly ackedWrites: number
  readonly network: { readonly delivered: number, readonly duplicated: number, readonly reordered: number, readonly lost: number, readonly cut: number }
  readonly settled: boolean
  readonly invariants: InvariantReport
  /** True when there is no violation. */
  readonly ok: boolean
}

const WARMUP_MS = 300
/** More messages than any healthy run sends (a few hundred thousand): members are ping-ponging. */
const MAX_MESSAGES = 1_000_000

/**
 * One seeded run: a cluster, clients and a fault schedule drawn from `seed`; faults for `chaosMs`;
 * then heal, settle, read every key once more, and check the invariants. Returns what happened,
 * including violations; `assertScenario` throws on them.
 */
export function runRaftScenario (seed: number, options: ScenarioOptions = {}): ScenarioResult {
  const random = new SeededRandom(seed).fork('scenario')
  const size = options.size ?? (random.chance(0.5) ? 3 : 5)
  const readOnly = options.readOnly ?? (random.chance(0.25) ? 'lease' : 'safe')
  const faults = options.faults ?? chooseFaults(random)
  const chaosMs = options.chaosMs ?? 5_000
  const maxDelay = 5 + random.int(20)
  const cluster = new RaftSimCluster({
    seed,
    size,
    readOnly,
    tickMs: 10,
    electionTicks: 10,
    heartbeatTicks: 2,
    link: { delay: { minMs: 1, maxMs: maxDelay } },
    fsyncMs: { minMs: 1, maxMs: 2 + random.int(8) },
    snapshotEvery: 20 + random.int(60),
    compactionMargin: random.int(20),
    snapshotChunkBytes: 64 + random.int(2048),
    maxMessageBytes: 256 + random.int(8192),
    cloneMessages: random.chance(0.25),
    defects: options.defects,
    ...options.cluster
  })
  const workloadOptions: WorkloadOptions = {
    clients: 3 + random.int(4),
    keys: 1 + random.int(4),
    attemptTimeoutMs: { min: 200, max: 1_000 },
    thinkMs: { min: 0, max: 40 },
    retryChance: 0.3,
    ...options.workload
  }
  const description = `${size} founding voters, reads ${readOnly}, faults [${faults.join(', ')}], ${chaosMs} ms of faults, ` +
    `${workloadOptions.clients} clients on ${workloadOptions.keys} key(s), delay 1–${maxDelay} ms, fsync ${cluster.options.fsyncMs.minMs}–${cluster.options.fsyncMs.maxMs} ms, ` +
    `snapshot every ${cluster.options.snapshotEvery} (margin ${cluster.options.compactionMargin})` +
    (options.defects === undefined ? '' : `, host defects ${JSON.stringify(options.defects)}`)
  cluster.record(`run: ${description}`)

  const injector = new FaultInjector(cluster, random.fork('faults'), faults, WARMUP_MS, WARMUP_MS + chaosMs)
  const workload = new KvWorkload(cluster, random.fork('workload'), workloadOptions)
  injector.start()
  workload.start(WARMUP_MS + chaosMs + 300)
  // In steps, so that a run whose safety is already broken stops early.
  runUntil(cluster, () => cluster.clock.now() >= WARMUP_MS + chaosMs || broken(cluster), WARMUP_MS + chaosMs, 100)

  injector.healAll()
  // Client operations still in flight run to their deadlines while the cluster settles.
  const settleMs = options.settleMs ?? 30_000
  const settled = !broken(cluster) && settle(cluster, injector, settleMs)
  let finalReadsDone = false
  if (settled) {
    const done = workload.finalReads()
    finalReadsDone = runUntil(cluster, () => done() || broken(cluster), 20_000) && !broken(cluster)
    if (finalReadsDone) runUntil(cluster, () => isSettled(cluster) || broken(cluster), 10_000)
  }
  const live = liveMembers(cluster)
  const invariants = checkRaftInvariants(cluster, workload, live, { maxSteps: options.maxCheckSteps ?? 5_000_000 })
  if (cluster.net.stats.sent > MAX_MESSAGES) {
    invariants.violations.push(`liveness: a message storm, ${cluster.net.stats.sent} messages sent; the run was cut short: ${describeMembers(cluster)}`)
  } else if (cluster.evidence.violations.length > 0) {
    invariants.violations.push('(the run was cut short once safety was violated)')
  } else if (!settled) {
    invariants.violations.push(`liveness: the healed cluster did not settle within ${settleMs} ms: ${describeMembers(cluster)}`)
  } else if (!finalReadsDone) {
    invariants.violations.push(`liveness: the final reads were not all answered: ${describeMembers(cluster)}`)
  }
  const stats = cluster.net.stats
  return {
    seed,
    description,
    faults,
    log: cluster.log,
    counters: { ...cluster.evidence.counters },
    refusals: Object.fromEntries(cluster.evidence.refusals),
    faultCounts: { ...injector.counts },
    crashLosses: { ...cluster.crashLosses },
    midSyncCrashes: injector.midSyncCrashes,
    leaderTerms: cluster.evidence.leadersByTerm.size,
    operations: workload.recorder.counts(),
    ackedWrites: workload.acked.length,
    network: { delivered: stats.delivered, duplicated: stats.duplicated, reordered: cluster.reorderedDeliveries, lost: stats.dropped.loss, cut: stats.dropped.partition },
    settled,
    invariants,
    ok: invariants.violations.length === 0
  }
}

/** Run the scenario and throw an `Error` with the violations and the run's log unless it is clean. */
export function assertRaftScenario (seed: number, options: ScenarioOptions = {}): ScenarioResult {
  const result = runRaftScenario(seed, options)
  if (!result.ok) throw new Error(formatFailure(result))
  return result
}

/** A failure report: the violations, what the run was, and its log (the fault schedule). */
export function formatFailure (result: ScenarioResult, maxLogLines = 250): string {
  const { violations } = result.invariants
  const log = result.log.length <= maxLogLines
    ? result.log
    : [`… ${result.log.length - maxLogLines} earlier events not shown`, ...result.log.slice(-maxLogLines)]
  return [
    `raft simulation: ${violations.length} violation(s)`,
    ...violations.map(v => `  - ${v.split('\n').join('\n    ')}`),
    `run: ${result.description}`,
    `operations: ${JSON.stringify(result.operations)}, acknowledged writes ${result.ackedWrites}, leader terms ${result.leaderTerms}`,
    `counters: ${JSON.stringify(result.counters)}; refused messages: ${JSON.stringify(result.refusals)}`,
    `crashes: ${JSON.stringify(result.crashLosses)}; network: ${JSON.stringify(result.network)}`,
    'log (faults, elections, membership):',
    ...log.map(line => `  ${line}`)
  ].join('\n')
}

function chooseFaults (random: SeededRandom): FaultKind[] {
  const chosen = FAULT_KINDS.filter(() => random.chance(0.4))
  return chosen.length > 0 ? chosen : [random.pick(FAULT_KINDS)]
}

/** Members of the latest configuration that are not stopped. */
function liveMembers (cluster: RaftSimCluster): SimMember[] {
  const configuration = cluster.latestConfiguration()
  return cluster.activeMembers().filter(m => isMemberOf(configuration, m.id))
}

/**
 * Settled: a leader whose configuration is not joint has committed an entry of its term, and
 * every live member is up with everything up to the leader's last index committed and applied.
 */
function isSettled (cluster: RaftSimCluster): boolean {
  const leader = cluster.leader()
  if (leader === undefined) return false
  const status = leader.status()
  if (leader.configuration.outgoing.length > 0) return false
  if (status.commit !== status.lastIndex || leader.disk.written.term(status.commit) !== status.term) return false
  return liveMembers(cluster).every(m => {
    if (m.state !== 'up') return false
    const s = m.status()
    return s.commit === status.lastIndex && m.applied === status.lastIndex && s.lastIndex === status.lastIndex
  })
}

/** Safety already violated, or members are flooding the network: nothing more to learn. */
function broken (cluster: RaftSimCluster): boolean {
  return cluster.evidence.violations.length > 0 || cluster.net.stats.sent > MAX_MESSAGES
}

function settle (cluster: RaftSimCluster, injector: FaultInjector, withinMs: number): boolean {
  let lastLeave = -Infinity
  return runUntil(cluster, () => {
    injector.retireRemoved()
    const leader = cluster.leader()
    if (leader !== undefined && leader.configuration.outgoing.length > 0 && !leader.configuration.autoLeave &&
      cluster.clock.now() - lastLeave > 500) {
      lastLeave = cluster.clock.now()
      try {
        leader.proposeConfChange({ changes: [], transition: 'auto' })
        cluster.record(`propose at ${leader.id}: leave the joint configuration (settling)`)
      } catch (err) {
        if (!(err instanceof ProposalDroppedError || err instanceof InvalidConfChangeError)) throw err
      }
    }
    return isSettled(cluster) || broken(cluster)
  }, withinMs) && !broken(cluster)
}

function runUntil (cluster: RaftSimCluster, predicate: () => boolean, withinMs: number, stepMs = 20): boolean {
  const deadline = cluster.clock.now() + withinMs
  while (!predicate()) {
    if (cluster.clock.now() >= deadline) return false
    cluster.clock.advance(stepMs)
  }
  return true
}

function describeMembers (cluster: RaftSimCluster): string {
  return cluster.activeMembers().map(m => {
    if (m.state !== 'up') return `${m.id} ${m.state}`
    const s = m.status()
    return `${m.id} ${s.role} term ${s.term} commit ${s.commit} applied ${m.applied} last ${s.lastIndex} leader ${s.leader ?? '-'}`
  }).join('; ')
}
