/**
 * The channel benchmark: a Meshwork core-mesh channel against a bare js-libp2p v3 stream,
 * in the same run, on the same kind of nodes (TCP + Noise + Yamux on 127.0.0.1). For every
 * side the dialer runs in this thread and the listener in a worker thread, as two processes
 * on two cores would. Prints the figures per side and the ratios against SPEC.md's goals.
 *
 *   node dist/src/channel-vs-libp2p.js [--quick] [--rounds N] [--json] …   (see --help)
 */
import { describeEnvironment } from './environment.js'
import { ListenerThread } from './listener-thread.js'
import { USAGE, UsageError, parseOptions, type BenchOptions, type WorkloadId } from './options.js'
import { formatReport } from './report.js'
import { CHANNEL_SIDES, createDialer, type SideDefinition } from './sides.js'
import { summarize, type FigureId, type RoundResults } from './summary.js'
import { runFlow, runRoundTrips, type RunningSide } from './workloads.js'

const SIDES = CHANNEL_SIDES

/** The listener in its own worker thread, the dialer here, connected once for all rounds. */
async function startSide (definition: SideDefinition): Promise<RunningSide & { stop: () => Promise<void> }> {
  const listener = await ListenerThread.start(definition.spec)
  let dialer
  try {
    dialer = await createDialer(definition.spec)
    await dialer.connect(listener.peerId, listener.addresses)
  } catch (err) {
    await Promise.allSettled([dialer?.stop(), listener.stop()])
    throw err
  }
  const started = dialer
  return {
    id: definition.id,
    dialer: started,
    listener,
    stop: async () => { await Promise.allSettled([started.stop(), listener.stop()]) }
  }
}

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }

/** Run one workload once on one side; returns the figures it yields. */
async function runOnce (side: RunningSide, workload: WorkloadId, params: BenchOptions['warmup']): Promise<Partial<Record<FigureId, number>>> {
  switch (workload) {
    case 'bulk': {
      const result = await runFlow(side, 'bytes', params.bulk)
      return { bulkBytesPerSecond: result.bytesPerSecond }
    }
    case 'small': {
      const result = await runFlow(side, 'messages', params.small)
      return { smallMessagesPerSecond: result.unitsPerSecond }
    }
    case 'rtt': {
      const result = await runRoundTrips(side, params.rtt)
      return { rttP50Us: result.p50Us, rttP99Us: result.p99Us }
    }
  }
}

function describe (figures: Partial<Record<FigureId, number>>): string {
  const parts: string[] = []
  if (figures.bulkBytesPerSecond !== undefined) parts.push(`${(figures.bulkBytesPerSecond / 1e6).toFixed(1)} MB/s`)
  if (figures.smallMessagesPerSecond !== undefined) parts.push(`${(figures.smallMessagesPerSecond / 1000).toFixed(1)}k msgs/s`)
  if (figures.rttP50Us !== undefined) parts.push(`p50 ${figures.rttP50Us.toFixed(0)} µs`)
  if (figures.rttP99Us !== undefined) parts.push(`p99 ${figures.rttP99Us.toFixed(0)} µs`)
  return parts.join(', ')
}

async function main (): Promise<void> {
  let options: BenchOptions
  try {
    const parsed = parseOptions(process.argv.slice(2))
    if (parsed === 'help') { process.stdout.write(USAGE); return }
    options = parsed
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`${err.message}\n\n${USAGE}`); process.exitCode = 2; return }
    throw err
  }

  const env = await describeEnvironment()
  const sides: Array<Awaited<ReturnType<typeof startSide>>> = []
  const results: RoundResults = {}
  const started = performance.now()
  try {
    for (const definition of SIDES) {
      sides.push(await startSide(definition))
      results[definition.id] = {}
    }
    progress(`warm-up: ${options.workloads.join(', ')} once on each side (not recorded)`)
    for (const side of sides) {
      for (const workload of options.workloads) await runOnce(side, workload, options.warmup)
    }
    for (const workload of options.workloads) {
      for (let round = 0; round < options.rounds; round++) {
        // Alternate the order so drift (thermal, other load, GC debt) does not favour one side.
        const order = round % 2 === 0 ? sides : [...sides].reverse()
        for (const side of order) {
          const figures = await runOnce(side, workload, options)
          for (const [figure, value] of Object.entries(figures) as Array<[FigureId, number]>) {
            (results[side.id][figure] ??= [])[round] = value
          }
          progress(`${workload.padEnd(5)} round ${round + 1}/${options.rounds}  ${side.id.padEnd(19)}  ${describe(figures)}`)
        }
      }
    }
  } finally {
    await Promise.allSettled(sides.map(async side => { await side.stop() }))
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const summary = summarize(results, SIDES[0].id, SIDES[1].id, SIDES.slice(2).map(s => s.id))
  if (options.json) {
    const { warmup, ...measured } = options
    process.stdout.write(`${JSON.stringify({ benchmark: 'channel-vs-libp2p', environment: env, options: measured, labels: SIDES.map(({ id, label, spec }) => ({ id, label, spec })), ...summary }, null, 2)}\n`)
  } else {
    process.stdout.write(`${formatReport(summary, SIDES, env, options)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
