/**
 * The replicated-KV benchmark: writes/s, latency p50/p99 and failover time of a 3-member
 * Meshwork Raft KV (`@meshwork/consensus`, three `meshwork start` processes) against a 3-member
 * Debian etcd 3.4 cluster, one side after the other on the same machine, driven by the same
 * HTTP/1.1 load generator. Prints a table per side, the ratios Meshwork ÷ etcd and the verdicts
 * against SPEC.md's Raft goals.
 *
 *   node dist/src/kv-vs-etcd.js [--clients 1,50,200] [--seconds S] [--failover-rounds N] [--only etcd] [--json] …   (see --help)
 */
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { describeEnvironment } from './environment.js'
import { EtcdCluster } from './etcd-cluster.js'
import { ensureEtcd, type EtcdInstallation } from './etcd-install.js'
import type { KvCluster, KvSideId } from './kv-cluster.js'
import { runFailoverRound, type FailoverRound } from './kv-failover.js'
import { runLoadLevel, type LoadLevelResult } from './kv-load.js'
import { MESHWORK_BIN, MeshworkKvCluster } from './kv-meshwork-cluster.js'
import { KV_USAGE, parseKvOptions, type KvBenchOptions } from './kv-options.js'
import { sampleUsage, usageBetween } from './kv-process-usage.js'
import { formatKvReport } from './kv-report.js'
import { summarizeKv, type KvSideRun } from './kv-summary.js'
import { UsageError } from './options.js'
import { killAll } from './swim-reaper.js'

const MEASURED_PACKAGES = ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@meshwork/core-mesh', '@meshwork/consensus']
const CLUSTER_SIZE = 3
const IDLE_SAMPLE_MS = 2_000

const progress = (text: string): void => { process.stderr.write(`${text}\n`) }
const errorText = (errors: Record<string, number>): string => Object.entries(errors).map(([kind, n]) => `${n} ${kind}`).join(', ')

async function runSide (cluster: KvCluster, options: KvBenchOptions): Promise<KvSideRun> {
  const sideStarted = performance.now()
  const levels: LoadLevelResult[] = []
  const failovers: FailoverRound[] = []
  try {
    await cluster.start()
    await cluster.waitReady(options.readyTimeoutMs)
    const startMs = performance.now() - sideStarted
    progress(`${cluster.side}: ${CLUSTER_SIZE} members up, leader ${String(await cluster.leader())}, taking writes after ${(startMs / 1000).toFixed(1)} s`)
    const idleStart = sampleUsage(cluster.pids())
    await new Promise(resolve => setTimeout(resolve, IDLE_SAMPLE_MS))
    const idle = usageBetween(idleStart, sampleUsage(cluster.pids()))
    for (const clients of options.clients) {
      const level = await runLoadLevel(cluster, clients, options.load)
      levels.push(level)
      progress(`${cluster.side}: ${clients} clients: ${level.writesPerSecond.toFixed(0)} writes/s, p50 ${level.p50Ms.toFixed(2)} ms (leader ${level.viaLeaderP50Ms.toFixed(2)}, follower ${level.viaFollowerP50Ms.toFixed(2)}), p99 ${level.p99Ms.toFixed(2)} ms` +
        `${Object.keys(level.errors).length > 0 ? `, errors: ${errorText(level.errors)}` : ''}; servers ${level.servers.cores.toFixed(2)} cores`)
    }
    for (let round = 0; round < options.failover.rounds; round++) {
      const result = await runFailoverRound(cluster, round, options.failover, options.load, options.readyTimeoutMs)
      failovers.push(result)
      progress(`${cluster.side}: failover round ${round + 1}: killed leader ${result.killed}, ` +
        `${result.failoverMs === undefined ? 'no write acknowledged' : `first write acknowledged after ${result.failoverMs.toFixed(0)} ms`}; rejoined in ${(result.rejoinMs / 1000).toFixed(1)} s`)
    }
    return { side: cluster.side, settings: cluster.settings(), startMs, idle, levels, failovers, sideMs: performance.now() - sideStarted }
  } finally {
    await cluster.stop()
  }
}

async function main (): Promise<void> {
  let options: KvBenchOptions
  try {
    const parsed = parseKvOptions(process.argv.slice(2))
    if (parsed === 'help') { process.stdout.write(KV_USAGE); return }
    options = parsed
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`${err.message}\n\n${KV_USAGE}`); process.exitCode = 2; return }
    throw err
  }

  if (options.sides.includes('meshwork') && !existsSync(MESHWORK_BIN)) {
    process.stderr.write(`${MESHWORK_BIN} is missing: build apps/node first (node_modules/.bin/tsc -b apps/node)\n`)
    process.exitCode = 1
    return
  }
  const env = await describeEnvironment(MEASURED_PACKAGES)
  if (env.loadAverage > 0.5) progress(`note: load average ${env.loadAverage.toFixed(2)} at start — other work on this machine skews the figures`)
  let etcd: EtcdInstallation | undefined
  if (options.sides.includes('etcd')) {
    etcd = ensureEtcd(progress)
    progress(`${etcd.version}${etcd.installed ? ' (installed now)' : ''}`)
  }
  const clusters: Record<KvSideId, () => KvCluster> = {
    etcd: () => new EtcdCluster({ size: CLUSTER_SIZE, version: etcd?.version ?? 'etcd' }),
    meshwork: () => new MeshworkKvCluster({ size: CLUSTER_SIZE, cpuProfileDir: options.cpuProfileDir })
  }

  const started = performance.now()
  const runs: KvSideRun[] = []
  for (const side of options.sides) {
    progress(`${side}: starting ${CLUSTER_SIZE} members…`)
    runs.push(await runSide(clusters[side](), options))
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)

  const summary = summarizeKv(runs)
  if (options.json) {
    const report = { benchmark: 'kv-vs-etcd', environment: env, etcd: etcd?.version, options, ...summary, runs }
    process.stdout.write(`${JSON.stringify(report, (_key, value: unknown) => typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`)
  } else {
    process.stdout.write(`${formatKvReport(summary, runs, { env, etcdVersion: etcd?.version }, options)}\n`)
  }
}

main().catch((err: unknown) => {
  killAll()
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
})
