/**
 * The SWIM membership benchmark: failure detection time and false positives of Meshwork's
 * membership (`@meshwork/gossip`, one child process per node over TCP) against Debian's
 * `serf` agents (one process each), with the same memberlist timing profile, one side after
 * the other in the same run. Prints detection p50/p95/max per side, the ratio Meshwork ÷ serf
 * and the verdicts against SPEC.md's goal (≤ 1.0× time, 0 false positives).
 *
 *   node dist/src/swim-vs-serf.js [--nodes N] [--rounds N] [--pause-ms N] [--json] …   (see --help)
 */
import { describeEnvironment } from './environment.js'
import { UsageError } from './options.js'
import { ensureSerf } from './serf-install.js'
import { SerfCluster } from './serf-cluster.js'
import type { SwimCluster, SwimSideId } from './swim-cluster.js'
import { MeshworkCluster } from './swim-meshwork-cluster.js'
import { parseSwimOptions, SWIM_USAGE, type SwimBenchOptions } from './swim-options.js'
import { killAll } from './swim-reaper.js'
import { formatSwimReport, type SwimRunInfo } from './swim-report.js'
import { runSide, type SideRun } from './swim-rounds.js'
import { summarizeSwim } from './swim-summary.js'

const MEASURED_PACKAGES = ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@meshwork/core-mesh', '@meshwork/gossip']

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }

async function main (): Promise<void> {
  let options: SwimBenchOptions
  try {
    const parsed = parseSwimOptions(process.argv.slice(2))
    if (parsed === 'help') { process.stdout.write(SWIM_USAGE); return }
    options = parsed
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`${err.message}\n\n${SWIM_USAGE}`); process.exitCode = 2; return }
    throw err
  }

  const env = await describeEnvironment(MEASURED_PACKAGES)
  if (env.loadAverage > 0.5) progress(`note: load average ${env.loadAverage.toFixed(2)} at start — other work on this machine skews the figures`)
  const serf = options.sides.includes('serf') ? ensureSerf(progress) : undefined
  if (serf !== undefined) progress(`${serf.version}${serf.installed ? ' (installed now)' : ''}`)

  const clusters: Record<SwimSideId, () => SwimCluster> = {
    serf: () => new SerfCluster({ size: options.nodes, profile: options.profile, timings: options.timings, pdeathsig: serf?.pdeathsig ?? false }),
    meshwork: () => new MeshworkCluster({ size: options.nodes, timings: options.timings, heartbeat: options.heartbeat })
  }
  const runs: SideRun[] = []
  const info: SwimRunInfo = { env, serfVersion: serf?.version, sideMs: {} }
  const started = Date.now()
  for (const side of options.sides) {
    const sideStarted = Date.now()
    progress(`${side}: starting ${options.nodes} members…`)
    runs.push(await runSide(clusters[side](), options, progress))
    info.sideMs[side] = Date.now() - sideStarted
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`)

  const summary = summarizeSwim(runs)
  if (options.json) {
    const report = { benchmark: 'swim-vs-serf', environment: env, serf: serf?.version, options, ...summary, sideMs: info.sideMs, runs }
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`)
  } else {
    process.stdout.write(`${formatSwimReport(summary, runs, info, options)}\n`)
  }
}

main().catch((err: unknown) => {
  killAll()
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
