/**
 * The broadcast benchmark: Meshwork's Plumtree (`@meshwork/gossip` as core-mesh's Broadcast)
 * against `@libp2p/gossipsub` on plain js-libp2p v3 nodes — two networks of the same size and
 * seeded topology on the memory transport, each in its own worker thread, both sending the same
 * seeded messages from the same origins at the same fixed rate. Prints payload copies per node,
 * delivery latency p50/p99, hops and delivery per side, the ratios Meshwork ÷ gossipsub and the
 * verdicts against SPEC.md's two broadcast goals.
 *
 *   node dist/src/broadcast-vs-gossipsub.js [--messages N] [--rate N] [--json] …   (see --help)
 */
import type { PhaseRecord } from './broadcast-phase.js'
import { BROADCAST_SIDES, type BroadcastSideId } from './broadcast-node.js'
import { BROADCAST_USAGE, parseBroadcastOptions, type BroadcastBenchOptions } from './broadcast-options.js'
import { formatBroadcastReport, type SideState } from './broadcast-report.js'
import { planPhases, type PhasePlan } from './broadcast-schedule.js'
import { sideFigures, summarizeBroadcast, type RoundPhases } from './broadcast-summary.js'
import { type BroadcastThread, startBroadcastThread } from './broadcast-thread.js'
import { seededEdges } from './dht-topology.js'
import { describeEnvironment } from './environment.js'
import { UsageError } from './options.js'

const MEASURED_PACKAGES = ['libp2p', '@libp2p/gossipsub', '@libp2p/memory', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@meshwork/core-mesh', '@meshwork/gossip']
const IDLE_SAMPLE_MS = 3_000
const CONTROL_TIMEOUT_MS = 120_000

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(0)} s`

/**
 * Start the two networks one after the other: built at once, on a 2-core machine, their
 * hundreds of handshakes starve each other, and upgrades time out.
 */
async function startThreads (options: BroadcastBenchOptions): Promise<Record<BroadcastSideId, BroadcastThread>> {
  const edges = seededEdges(options.seed, options.nodes, options.degree)
  const threads: BroadcastThread[] = []
  try {
    for (const s of BROADCAST_SIDES) {
      const thread = await startBroadcastThread({ side: s.id, nodes: options.nodes, edges, settings: options.settings })
      threads.push(thread)
      progress(`${s.id}: up, topology dialled (${(thread.build.connectMs / 1000).toFixed(1)} s, ${thread.build.failedDialCount} dials failed)`)
    }
  } catch (err) {
    await Promise.allSettled(threads.map(async t => { await t.stop() }))
    throw err
  }
  return { meshwork: threads[0], gossipsub: threads[1] }
}

async function runPhase (thread: BroadcastThread, plan: PhasePlan, options: BroadcastBenchOptions): Promise<PhaseRecord> {
  const { phase } = options
  const budget = plan.origins.length * 1000 / phase.rateHz + phase.deliveryTimeoutMs + phase.drainMs + CONTROL_TIMEOUT_MS
  const record = await thread.request({ type: 'phase', plan, params: phase }, budget)
  const f = sideFigures([record])
  progress(`${plan.label} ${thread.side}: delivered ${f.delivered}/${f.expected}, ${f.copiesPerNode.toFixed(2)} copies per node per message, ` +
    `p50 ${f.latencyP50.toFixed(1)} ms, p99 ${f.latencyP99.toFixed(1)} ms, hops ${f.hopsMean.toFixed(2)}, ${f.cpuMsPerMessage.toFixed(1)} ms CPU per message, loop ${(f.utilisation * 100).toFixed(0)}% busy, ` +
    `${record.disconnects} disconnects (${record.unreachable} unreachable)`)
  return record
}

async function main (): Promise<void> {
  let options: BroadcastBenchOptions
  try {
    const parsed = parseBroadcastOptions(process.argv.slice(2))
    if (parsed === 'help') { process.stdout.write(BROADCAST_USAGE); return }
    options = parsed
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`${err.message}\n\n${BROADCAST_USAGE}`); process.exitCode = 2; return }
    throw err
  }

  const env = await describeEnvironment(MEASURED_PACKAGES)
  if (env.loadAverage > 0.5) progress(`note: load average ${env.loadAverage.toFixed(2)} at start — other work on this machine skews the figures`)
  const started = performance.now()
  progress(`starting two ${options.nodes}-node networks…`)
  const threads = await startThreads(options)
  const sides = BROADCAST_SIDES.map(s => s.id)
  const plans = planPhases(options.seed, options.nodes, options.warmup, options.messages, options.rounds)
  const states = {} as Record<BroadcastSideId, SideState>
  let warmup: Record<BroadcastSideId, PhaseRecord> | undefined
  const rounds: RoundPhases[] = []
  try {
    const settled = await Promise.all(sides.map(async side => await threads[side].request({ type: 'settle', params: options.settle }, options.settle.maxMs + CONTROL_TIMEOUT_MS)))
    const before = await Promise.all(sides.map(async side => await threads[side].request({ type: 'snapshot', idleMs: IDLE_SAMPLE_MS }, CONTROL_TIMEOUT_MS)))
    sides.forEach((side, i) => {
      states[side] = { build: threads[side].build, settle: settled[i], before: before[i], after: before[i] }
      progress(`${side}: overlay ${settled[i].settled ? 'settled' : `not settled (${settled[i].notReady} nodes not ready)`} after ${(settled[i].elapsedMs / 1000).toFixed(0)} s ` +
        `(push links per node ${before[i].push.min}/${before[i].push.mean.toFixed(1)}/${before[i].push.max}, connections ${before[i].connections.mean.toFixed(1)}); ` +
        `idle loop ${(before[i].idleUtilisation * 100).toFixed(0)}% busy`)
    })

    if (plans.warmup !== undefined) {
      const records = {} as Record<BroadcastSideId, PhaseRecord>
      for (const side of sides) records[side] = await runPhase(threads[side], plans.warmup, options)
      warmup = records
    }
    for (const [round, plan] of plans.rounds.entries()) {
      const order: BroadcastSideId[] = round % 2 === 0 ? [...sides] : [...sides].reverse()
      const records = {} as Record<BroadcastSideId, PhaseRecord>
      for (const side of order) records[side] = await runPhase(threads[side], plan, options)
      rounds.push({ label: plan.label, order, records })
      progress(`${plan.label} done — ${seconds(started)} so far`)
    }
    const after = await Promise.all(sides.map(async side => await threads[side].request({ type: 'snapshot', idleMs: IDLE_SAMPLE_MS }, CONTROL_TIMEOUT_MS)))
    sides.forEach((side, i) => { states[side].after = after[i] })
  } finally {
    await Promise.allSettled(sides.map(async side => { await threads[side].stop() }))
  }
  progress(`done in ${seconds(started)}`)

  const summary = summarizeBroadcast(warmup, rounds)
  if (options.json) {
    const perMessage = (record: PhaseRecord): unknown => record.messages.map(m => {
      const latencies = m.latencies.filter(v => !Number.isNaN(v))
      const hops = m.hops.filter((v, i) => i !== m.origin && !Number.isNaN(v))
      return {
        origin: m.origin,
        publishMs: m.publishMs,
        publishError: m.publishError,
        delivered: latencies.length,
        latencyMaxMs: latencies.length === 0 ? null : Math.max(...latencies),
        hopsMax: hops.length === 0 ? null : Math.max(...hops)
      }
    })
    const phaseJson = (record: PhaseRecord): unknown => ({ ...record, messages: perMessage(record) })
    const report = {
      benchmark: 'broadcast-vs-gossipsub',
      environment: env,
      options,
      labels: BROADCAST_SIDES,
      ...summary,
      networks: states,
      phases: {
        warmup: warmup === undefined ? undefined : { meshwork: phaseJson(warmup.meshwork), gossipsub: phaseJson(warmup.gossipsub) },
        rounds: rounds.map(r => ({ label: r.label, order: r.order, meshwork: phaseJson(r.records.meshwork), gossipsub: phaseJson(r.records.gossipsub) }))
      }
    }
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`)
  } else {
    process.stdout.write(`${formatBroadcastReport(summary, states, env, options)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
