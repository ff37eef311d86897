/**
 * The channel benchmark: a Meshwork core-mesh channel against a bare js-libp2p v3 stream,
 * in the same run, on the same kind of nodes (TCP + Noise + Yamux on 127.0.0.1). Every node
 * of every side runs in its own worker thread, as separate processes would; this thread only
 * coordinates. Prints the figures per side and the ratios against SPEC.md's goals.
 *
 *   node dist/src/channel-vs-libp2p.js [--quick] [--rounds N] [--json] …   (see --help)
 */
import { describeEnvironment } from './environment.js'
import { USAGE, UsageError, parseOptions, type BenchOptions } from './options.js'
import { formatReport } from './report.js'
import { runRounds } from './rounds.js'
import { startSide, type RunningSide } from './running-side.js'
import { CHANNEL_SIDES } from './sides.js'
import { summarize } from './summary.js'

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }

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
  if (env.loadAverage > 0.5) progress(`note: load average ${env.loadAverage.toFixed(2)} at start — other work on this machine skews the figures`)
  const started = performance.now()
  const sides: RunningSide[] = []
  let outcome
  try {
    for (const definition of CHANNEL_SIDES) sides.push(await startSide(definition))
    outcome = await runRounds(sides, options, progress)
  } finally {
    await Promise.allSettled(sides.map(async side => { await side.stop() }))
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const [subject, baseline, ...extras] = CHANNEL_SIDES.map(s => s.id)
  const summary = summarize(outcome.results, outcome.failures, subject, baseline, extras)
  if (options.json) {
    const { warmup: _warmup, ...measured } = options
    const report = {
      benchmark: 'channel-vs-libp2p',
      environment: env,
      options: measured,
      labels: CHANNEL_SIDES,
      ...summary,
      failures: outcome.failures,
      linkEvents: outcome.linkEvents
    }
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`)
  } else {
    process.stdout.write(`${formatReport(summary, outcome, CHANNEL_SIDES, env, options)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
