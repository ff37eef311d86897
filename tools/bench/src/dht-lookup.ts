/**
 * The DHT lookup benchmark: Meshwork's DHT (`@meshwork/dht` on core-mesh nodes) against
 * vanilla kad-dht on plain js-libp2p v3 nodes — two networks of the same size and seeded
 * topology on the memory transport, each in its own worker thread, both running the same
 * seeded `findPeer` lookups. Prints latency p50/p95, hops and success rate per side, the
 * ratios Meshwork ÷ vanilla and the verdicts against SPEC.md's DHT goal.
 *
 *   node dist/src/dht-lookup.js [--lookups N] [--rounds N] [--json] …   (see --help)
 */
import { batchSizes, lookupsInRound, parseDhtOptions, DHT_USAGE, type DhtBenchOptions } from './dht-options.js'
import type { LookupRecord } from './dht-lookups.js'
import { DHT_SIDES, type DhtSideId } from './dht-node.js'
import { formatDhtReport, type SideState } from './dht-report.js'
import { summarizeDht, sideFigures, type RoundRecords } from './dht-summary.js'
import { type DhtThread, startDhtThread } from './dht-thread.js'
import { drawBatch, maxBatch, seededEdges } from './dht-topology.js'
import { describeEnvironment } from './environment.js'
import { UsageError } from './options.js'

const MEASURED_PACKAGES = ['libp2p', '@libp2p/kad-dht', '@libp2p/memory', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@meshwork/core-mesh', '@meshwork/dht']
const IDLE_SAMPLE_MS = 3_000
const CONTROL_TIMEOUT_MS = 120_000

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(0)} s`

async function startThreads (options: DhtBenchOptions): Promise<Record<DhtSideId, DhtThread>> {
  const edges = seededEdges(options.seed, options.nodes, options.degree)
  const started = await Promise.allSettled(DHT_SIDES.map(async s => await startDhtThread({ side: s.id, nodes: options.nodes, edges, settings: options.settings })))
  const threads = started.flatMap(r => r.status === 'fulfilled' ? [r.value] : [])
  const failure = started.find(r => r.status === 'rejected')
  if (failure !== undefined) {
    await Promise.allSettled(threads.map(async t => { await t.stop() }))
    throw failure.reason
  }
  return { meshwork: threads[0], vanilla: threads[1] }
}

async function main (): Promise<void> {
  let options: DhtBenchOptions
  try {
    const parsed = parseDhtOptions(process.argv.slice(2))
    if (parsed === 'help') { process.stdout.write(DHT_USAGE); return }
    options = parsed
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`${err.message}\n\n${DHT_USAGE}`); process.exitCode = 2; return }
    throw err
  }

  const env = await describeEnvironment(MEASURED_PACKAGES)
  if (env.loadAverage > 0.5) progress(`note: load average ${env.loadAverage.toFixed(2)} at start — other work on this machine skews the figures`)
  const started = performance.now()
  progress(`starting two ${options.nodes}-node networks…`)
  const threads = await startThreads(options)
  const sides = DHT_SIDES.map(s => s.id)
  const rounds: RoundRecords[] = []
  const states = {} as Record<DhtSideId, SideState>
  try {
    for (const side of sides) progress(`${side}: up, topology dialled (${(threads[side].build.connectMs / 1000).toFixed(1)} s, ${threads[side].build.failedDialCount} dials failed)`)
    const settled = await Promise.all(sides.map(async side => await threads[side].request({ type: 'settle', params: options.settle }, options.settle.maxMs + CONTROL_TIMEOUT_MS)))
    const before = await Promise.all(sides.map(async side => await threads[side].request({ type: 'snapshot', idleMs: IDLE_SAMPLE_MS }, CONTROL_TIMEOUT_MS)))
    sides.forEach((side, i) => {
      states[side] = { build: threads[side].build, settle: settled[i], before: before[i], after: before[i], skippedSources: [], blockUtilisation: [] }
      progress(`${side}: routing tables ${settled[i].settled ? 'settled' : 'not settled'} after ${(settled[i].elapsedMs / 1000).toFixed(0)} s ` +
        `(mean ${before[i].routingTable.mean.toFixed(1)}, min ${before[i].routingTable.min}); idle loop ${(before[i].idleUtilisation * 100).toFixed(0)}% busy`)
    })

    for (const side of sides) threads[side].onProgress = (text) => { progress(`  ${text}`) }
    for (let round = 0; round < options.rounds; round++) {
      const order: DhtSideId[] = round % 2 === 0 ? [...sides] : [...sides].reverse()
      const records: Record<DhtSideId, LookupRecord[]> = { meshwork: [], vanilla: [] }
      const batches = batchSizes(lookupsInRound(options, round), maxBatch(options.nodes))
      for (const [batch, size] of batches.entries()) {
        const known = await Promise.all(sides.map(async side => await threads[side].request({ type: 'known' }, CONTROL_TIMEOUT_MS)))
        const draw = drawBatch(options.seed, `lookups-${round}-${batch}`, size, options.nodes, known.map(k => k.map(list => new Set(list))))
        for (const side of sides) states[side].skippedSources.push(draw.skippedSources)
        for (const side of order) {
          const budget = draw.pairs.length * (options.lookup.timeoutMs + 10_000) + CONTROL_TIMEOUT_MS
          const block = await threads[side].request({ type: 'lookups', pairs: draw.pairs, params: options.lookup }, budget)
          records[side].push(...block.records)
          states[side].blockUtilisation.push(block.utilisation)
          const figures = sideFigures(block.records)
          progress(`round ${round + 1}/${options.rounds} batch ${batch + 1}/${batches.length} ${side}: ${figures.found}/${figures.network} found over the network (+${figures.local} local), ` +
            `p50 ${figures.latencyP50.toFixed(1)} ms, hops ${figures.hopsMean.toFixed(2)}, in ${(block.elapsedMs / 1000).toFixed(0)} s — ${seconds(started)} so far`)
        }
      }
      rounds.push({ round, order, records })
    }
    const after = await Promise.all(sides.map(async side => await threads[side].request({ type: 'snapshot', idleMs: IDLE_SAMPLE_MS }, CONTROL_TIMEOUT_MS)))
    sides.forEach((side, i) => { states[side].after = after[i] })
  } finally {
    await Promise.allSettled(sides.map(async side => { await threads[side].stop() }))
  }
  progress(`done in ${seconds(started)}`)

  const summary = summarizeDht(rounds)
  if (options.json) {
    const report = {
      benchmark: 'dht-lookup',
      environment: env,
      options,
      labels: DHT_SIDES,
      ...summary,
      networks: states,
      lookups: rounds
    }
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`)
  } else {
    process.stdout.write(`${formatDhtReport(summary, states, env, options)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
