import { SeededRandom } from '@meshwork/core-mesh/testkit'
import type { MemberEvent, MemberView, SwimCluster, SwimSideId } from './swim-cluster.js'
import type { SwimBenchOptions } from './swim-options.js'

/** One observer's detection of a killed member: ms from the SIGKILL to its failed event. */
export interface Detection { observer: number, ms: number }

export interface KillRound {
  round: number
  victim: number
  /** `Date.now()` right before the SIGKILL. */
  killedAt: number
  /** One per observer that declared the victim failed within the time limit, in order. */
  detections: Detection[]
  /** Observers that had not declared it failed when the round gave up. */
  undetected: number[]
  /** ms from the kill to the first suspicion of the victim anyone reported (see `MemberEvent`). */
  firstSuspicionMs: number | undefined
  /** serf only: the `member-failed` event handler's own timestamps, ms from the kill. */
  handlerDetections?: Detection[]
  /** Failed events about other members during the round: false positives too. */
  otherFailures: Array<{ observer: number, subject: number | undefined, ms: number }>
  /** Time the restarted victim took to be seen alive by every member again. */
  recoveryMs: number
}

export interface PauseRound {
  round: number
  victim: number
  /** Measured SIGSTOP → SIGCONT. */
  pausedMs: number
  /** How long after SIGCONT failures were still counted. */
  observedMs: number
  /** Every failed event in the round (about any member, by any member): each is a false positive. */
  falsePositives: Array<{ observer: number, subject: number | undefined, msAfterPause: number }>
  /** Suspicions raised in the round (probes that failed), counted on the members that raised them. */
  suspicions: number
  /** Meshwork only: suspicions refuted (`member:alive`) seen in the round, all members. */
  refutations: number
  /** Time until every member held every other alive again after SIGCONT. */
  recoveryMs: number
  /** The victim had to be restarted because the cluster did not take it back on its own. */
  restarted: boolean
}

export interface SideRun {
  side: SwimSideId
  startMs: number
  firstConvergeMs: number
  kills: KillRound[]
  pauses: PauseRound[]
}

const VIEW_POLL_MS = 250
const HANDLER_WAIT_MS = 10_000
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The members killed and paused in each round, from the seed: the same on both sides. */
export function drawVictims (seed: number, nodes: number, rounds: number): { kill: number[], pause: number[] } {
  const random = new SeededRandom(seed).fork('swim-victims')
  const all = Array.from({ length: nodes }, (_, i) => i)
  const kill = random.fork('kill').shuffle(all)
  const pause = random.fork('pause').shuffle(all)
  return {
    kill: Array.from({ length: rounds }, (_, r) => kill[r % nodes]),
    pause: Array.from({ length: rounds }, (_, r) => pause[r % nodes])
  }
}

function converged (views: readonly MemberView[], live: readonly number[]): boolean {
  if (views.length < live.length) return false
  const expected = live.join(',')
  return views.every(v => v.aliveMembers.join(',') === expected)
}

function describeViews (views: readonly MemberView[], live: readonly number[]): string {
  const odd = views.filter(v => v.aliveMembers.join(',') !== live.join(','))
  const silent = live.filter(i => !views.some(v => v.observer === i))
  return `${odd.map(v => `member ${v.observer} holds ${v.alive} alive [${v.aliveMembers.join(',')}]`).join('; ')}` +
    (silent.length > 0 ? `; no answer from ${silent.join(',')}` : '')
}

/** Wait until each of `live` holds exactly `live` alive; returns how long it took. */
export async function waitConverged (cluster: SwimCluster, live: readonly number[], timeoutMs: number): Promise<number> {
  const started = Date.now()
  for (;;) {
    const views = await cluster.views()
    if (converged(views, live)) return Date.now() - started
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${cluster.side}: members did not converge within ${timeoutMs} ms: ${describeViews(views, live)}`)
    }
    await sleep(VIEW_POLL_MS)
  }
}

/** Collects the cluster's events from now on, until `stop`. */
function recordEvents (cluster: SwimCluster): { events: MemberEvent[], stop: () => void, changed: (wake: () => void) => void } {
  const events: MemberEvent[] = []
  let wake: (() => void) | undefined
  const stop = cluster.onEvent(event => { events.push(event); wake?.() })
  return { events, stop, changed: (w) => { wake = w } }
}

/**
 * serf runs its event handlers on coalesced member events (the agent sets a 3 s coalesce and
 * 1 s quiescent period), so the handler's timestamps come seconds after the state change:
 * wait for as many as there were detections, or `HANDLER_WAIT_MS`.
 */
async function handlerDetections (cluster: SwimCluster, victim: number, since: number, expected: number): Promise<Array<{ observer: number, at: number }> | undefined> {
  if (cluster.handlerDetections === undefined) return undefined
  const deadline = Date.now() + HANDLER_WAIT_MS
  for (;;) {
    const found = await cluster.handlerDetections(victim, since)
    if (found.length >= expected || Date.now() > deadline) return found
    await sleep(VIEW_POLL_MS)
  }
}

async function killRound (cluster: SwimCluster, round: number, victim: number, options: SwimBenchOptions): Promise<KillRound> {
  const everyone = Array.from({ length: cluster.size }, (_, i) => i)
  const observers = everyone.filter(i => i !== victim)
  await sleep(options.quietMs)
  const recorder = recordEvents(cluster)
  const detected = new Map<number, number>()
  let killedAt = 0
  try {
    killedAt = cluster.kill(victim)
    const deadline = killedAt + options.detectionTimeoutMs
    while (detected.size < observers.length && Date.now() < deadline) {
      for (const e of recorder.events) {
        if (e.kind === 'failed' && e.subject === victim && e.observer !== victim && !detected.has(e.observer)) detected.set(e.observer, e.at - killedAt)
      }
      if (detected.size >= observers.length) break
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(1_000, deadline - Date.now())))
        recorder.changed(() => { clearTimeout(timer); resolve() })
      })
    }
  } finally {
    recorder.stop()
  }
  const suspicions = recorder.events.filter(e => e.kind === 'suspect' && e.subject === victim)
  const handler = await handlerDetections(cluster, victim, killedAt, detected.size)
  const otherFailures = recorder.events
    .filter(e => e.kind === 'failed' && e.subject !== undefined && e.subject !== victim && e.observer !== victim)
    .map(e => ({ observer: e.observer, subject: e.subject, ms: e.at - killedAt }))
  const restarting = Date.now()
  await cluster.restart(victim)
  await waitConverged(cluster, everyone, options.convergeTimeoutMs)
  return {
    round,
    victim,
    killedAt,
    detections: [...detected.entries()].map(([observer, ms]) => ({ observer, ms })).sort((a, b) => a.ms - b.ms),
    undetected: observers.filter(i => !detected.has(i)),
    firstSuspicionMs: suspicions.length === 0 ? undefined : Math.min(...suspicions.map(e => e.at)) - killedAt,
    handlerDetections: handler?.map(h => ({ observer: h.observer, ms: h.at - killedAt })).sort((a, b) => a.ms - b.ms),
    otherFailures,
    recoveryMs: Date.now() - restarting
  }
}

async function pauseRound (cluster: SwimCluster, round: number, victim: number, options: SwimBenchOptions): Promise<PauseRound> {
  const everyone = Array.from({ length: cluster.size }, (_, i) => i)
  await sleep(options.quietMs)
  const recorder = recordEvents(cluster)
  let pausedAt = 0
  let resumedAt = 0
  try {
    pausedAt = cluster.pause(victim)
    await sleep(options.pauseMs)
    resumedAt = cluster.resume(victim)
    await sleep(options.pauseObserveMs)
  } catch (err) {
    if (pausedAt !== 0 && resumedAt === 0) cluster.resume(victim)
    throw err
  } finally {
    recorder.stop()
  }
  const observedAt = Date.now()
  let restarted = false
  try {
    await waitConverged(cluster, everyone, options.convergeTimeoutMs)
  } catch {
    // The cluster did not take the paused member back: restart it so that the next round starts whole.
    restarted = true
    await cluster.restart(victim)
    await waitConverged(cluster, everyone, options.convergeTimeoutMs)
  }
  const events = recorder.events
  return {
    round,
    victim,
    pausedMs: resumedAt - pausedAt,
    observedMs: observedAt - resumedAt,
    // A failure of an identity the cluster no longer has (a killed Meshwork member that came back as a
    // new one) is a late detection, not a false positive.
    falsePositives: events.filter(e => e.kind === 'failed' && e.subject !== undefined).map(e => ({ observer: e.observer, subject: e.subject, msAfterPause: e.at - pausedAt })),
    suspicions: events.filter(e => e.kind === 'suspect').length,
    refutations: events.filter(e => e.kind === 'alive').length,
    recoveryMs: Date.now() - resumedAt,
    restarted
  }
}

/**
 * One side's whole run: start the cluster, then per round a kill round (SIGKILL a member, wait
 * for every other member to declare it failed, restart it, wait until all agree again) and a
 * pause round (SIGSTOP a member for `pauseMs`, SIGCONT, count the failures declared while it
 * was paused and for `pauseObserveMs` after). The cluster is stopped in every case.
 */
export async function runSide (cluster: SwimCluster, options: SwimBenchOptions, progress: (text: string) => void): Promise<SideRun> {
  const victims = drawVictims(options.seed, options.nodes, options.rounds)
  const everyone = Array.from({ length: cluster.size }, (_, i) => i)
  const started = Date.now()
  try {
    await cluster.start()
    const startMs = Date.now() - started
    const firstConvergeMs = await waitConverged(cluster, everyone, options.convergeTimeoutMs)
    progress(`${cluster.side}: ${cluster.size} members up in ${(startMs / 1000).toFixed(1)} s, all see all after ${(firstConvergeMs / 1000).toFixed(1)} s more`)
    const kills: KillRound[] = []
    const pauses: PauseRound[] = []
    for (let round = 0; round < options.rounds; round++) {
      const kill = await killRound(cluster, round, victims.kill[round], options)
      kills.push(kill)
      const ms = kill.detections.map(d => d.ms)
      progress(`${cluster.side} round ${round + 1}/${options.rounds}: killed ${kill.victim}; ${kill.detections.length}/${cluster.size - 1} declared it failed, ` +
        (ms.length > 0 ? `first ${ms[0]} ms, last ${ms[ms.length - 1]} ms` : 'none') +
        (kill.undetected.length > 0 ? `; NOT by ${kill.undetected.join(',')}` : '') + `; back in ${(kill.recoveryMs / 1000).toFixed(1)} s`)
      const pause = await pauseRound(cluster, round, victims.pause[round], options)
      pauses.push(pause)
      progress(`${cluster.side} round ${round + 1}/${options.rounds}: paused ${pause.victim} for ${pause.pausedMs} ms; ${pause.falsePositives.length} false positives, ` +
        `${pause.suspicions} suspicions, ${pause.refutations} refutations${pause.restarted ? '; had to be restarted' : ''}`)
    }
    return { side: cluster.side, startMs, firstConvergeMs, kills, pauses }
  } finally {
    await cluster.stop()
  }
}
