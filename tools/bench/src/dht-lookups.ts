import { performance } from 'node:perf_hooks'
import type { DhtNetwork } from './dht-network.js'
import type { LookupOutcome } from './dht-node.js'
import type { LookupPair } from './dht-topology.js'
import { waitForQuiet, type QuietParams } from './event-loop-quiet.js'

export interface LookupParams {
  timeoutMs: number
  quiet: QuietParams
}

export interface LookupRecord extends LookupPair, LookupOutcome {
  /** Wall time of the `findPeer` call, ms. */
  ms: number
  /** At the start of this lookup the source was connected to the target. */
  connectedBefore: boolean
  /** … or held it in its peer store (kad-dht then answers locally, hop 0). */
  knownBefore: boolean
  quietWaitMs: number
  quietGaveUp: boolean
}

export interface LookupBlock {
  records: LookupRecord[]
  /** Event-loop utilisation of this network's thread over the whole block. */
  utilisation: number
  elapsedMs: number
}

/**
 * Run `pairs` one after another on this network: wait for a quiet event loop, note whether the
 * source already knows the target, then time `findPeer`.
 */
export async function runLookups (
  network: DhtNetwork,
  pairs: readonly LookupPair[],
  params: LookupParams,
  onRecord?: (record: LookupRecord, done: number) => void
): Promise<LookupBlock> {
  const started = performance.now()
  const before = performance.eventLoopUtilization()
  const records: LookupRecord[] = []
  for (const pair of pairs) {
    const source = network.nodes[pair.source]
    const target = network.nodes[pair.target].peerId
    const quiet = await waitForQuiet(params.quiet)
    const connectedBefore = source.isConnected(target)
    const knownBefore = await source.knows(target)
    const t0 = performance.now()
    const outcome = await source.findPeer(target, params.timeoutMs)
    const ms = performance.now() - t0
    const record = { ...pair, ...outcome, ms, connectedBefore, knownBefore, quietWaitMs: quiet.waitedMs, quietGaveUp: quiet.gaveUp }
    records.push(record)
    onRecord?.(record, records.length)
  }
  return { records, utilisation: performance.eventLoopUtilization(before).utilization, elapsedMs: performance.now() - started }
}
