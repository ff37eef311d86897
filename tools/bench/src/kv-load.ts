import { performance } from 'node:perf_hooks'
import type { KvCluster, KvWrite } from './kv-cluster.js'
import { failureKind, isAcknowledged, KvHttpClient } from './kv-http.js'
import type { LoadParams } from './kv-options.js'
import { sampleUsage, usageBetween, type ServerUsage } from './kv-process-usage.js'
import { percentile } from './stats.js'

/** What one load level measured, over its window only. */
export interface LoadLevelResult {
  clients: number
  windowMs: number
  /** Writes acknowledged (2xx) within the window. */
  writes: number
  writesPerSecond: number
  /** Latency of the acknowledged writes, send → whole answer read, ms. */
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** p50 of the writes sent to the leader, and of those sent to a follower (which forwards them): where the time goes. */
  viaLeaderP50Ms: number
  viaFollowerP50Ms: number
  /** The member that led when the level started (undefined: the members disagreed). */
  leader: number | undefined
  /** Failed writes within the window, by kind (`HTTP 503`, `timeout`, …). */
  errors: Record<string, number>
  /** The three servers' CPU (cores) and RSS over the window. */
  servers: ServerUsage
  /** The load generator's own CPU over the window (this process), cores. */
  generatorCores: number
}

const PAUSE_AFTER_ERROR_MS = 10
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** `bytes` printable ASCII characters: the value every write carries. */
export function benchValue (bytes: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let value = ''
  for (let i = 0; i < bytes; i++) value += alphabet[(i * 7 + 3) % alphabet.length]
  return value
}

export const benchKey = (i: number): string => `bench/key-${String(i).padStart(4, '0')}`

/**
 * One load level against a running cluster: `clients` closed loops, each sending its next write
 * as soon as the previous one is answered, the writes going to the members in turn (client c's
 * k-th write to member (c + k) mod size: followers forward to the leader on both systems) and
 * the keys in turn across all clients. Runs `warmupMs` unmeasured, then `measureMs` measured;
 * a write counts in the window when its answer arrives within it.
 */
export async function runLoadLevel (cluster: KvCluster, clients: number, params: LoadParams): Promise<LoadLevelResult> {
  const leader = await cluster.leader()
  const value = benchValue(params.valueBytes)
  const writes: KvWrite[] = Array.from({ length: params.keys }, (_, i) => cluster.encodeWrite(benchKey(i), value))
  const members = Array.from({ length: cluster.size }, (_, i) => cluster.member(i))
  const http = new KvHttpClient(clients)
  /** Per member the write was sent to. */
  const latencies: number[][] = Array.from({ length: cluster.size }, () => [])
  const errors: Record<string, number> = {}
  let nextKey = 0

  const started = performance.now()
  const windowStart = started + params.warmupMs
  const windowEnd = windowStart + params.measureMs
  let startSample = sampleUsage(cluster.pids())
  let startCpu = process.cpuUsage()
  const atWindowStart = setTimeout(() => {
    startSample = sampleUsage(cluster.pids())
    startCpu = process.cpuUsage()
  }, params.warmupMs)

  const client = async (c: number): Promise<void> => {
    for (let k = 0; performance.now() < windowEnd; k++) {
      const write = writes[nextKey]
      nextKey = (nextKey + 1) % writes.length
      const member = (c + k) % members.length
      const sent = performance.now()
      let failure: string | undefined
      try {
        const response = await http.send(members[member], write, params.requestTimeoutMs)
        if (!isAcknowledged(response)) failure = failureKind(response)
      } catch (err) {
        failure = failureKind(err)
      }
      const answered = performance.now()
      const inWindow = answered >= windowStart && answered <= windowEnd
      if (failure === undefined) {
        if (inWindow) latencies[member].push(answered - sent)
      } else {
        if (inWindow) errors[failure] = (errors[failure] ?? 0) + 1
        await sleep(PAUSE_AFTER_ERROR_MS)
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: clients }, async (_, c) => { await client(c) }))
  } finally {
    clearTimeout(atWindowStart)
    http.close()
  }
  // Every client stops at its first answer after the window: take the end sample now, close to it.
  const endSample = sampleUsage(cluster.pids())
  const cpu = process.cpuUsage(startCpu)
  const windowMs = params.measureMs
  const all = latencies.flat()
  const quantile = (samples: number[], q: number): number => samples.length === 0 ? Number.NaN : percentile(samples, q)
  return {
    clients,
    windowMs,
    writes: all.length,
    writesPerSecond: all.length / (windowMs / 1000),
    p50Ms: quantile(all, 0.5),
    p99Ms: quantile(all, 0.99),
    maxMs: all.length === 0 ? Number.NaN : all.reduce((max, ms) => Math.max(max, ms), 0),
    viaLeaderP50Ms: leader === undefined ? Number.NaN : quantile(latencies[leader], 0.5),
    viaFollowerP50Ms: leader === undefined ? Number.NaN : quantile(latencies.filter((_, i) => i !== leader).flat(), 0.5),
    leader,
    errors,
    servers: usageBetween(startSample, endSample),
    generatorCores: (cpu.user + cpu.system) / 1000 / (endSample.at - startSample.at)
  }
}
