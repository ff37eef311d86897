import { performance } from 'node:perf_hooks'
import type { BroadcastNetwork } from './broadcast-network.js'
import { spread, type Spread } from './topology-build.js'
import type { BroadcastCounters } from './broadcast-node.js'
import { decodePayload, encodePayload } from './broadcast-payload.js'
import type { PhasePlan } from './broadcast-schedule.js'

export interface PhaseParams {
  /** Messages published per second, network-wide, at fixed intervals. */
  rateHz: number
  payloadBytes: number
  /** After the last publish: how long to wait for every delivery before giving up. */
  deliveryTimeoutMs: number
  /** Once everything is delivered (or given up on): how long late copies may still arrive before the counters are read. */
  drainMs: number
}

/** One message of a phase, as the network saw it. */
export interface MessageRecord {
  origin: number
  /** `performance.now()` just before the publish call, ms. */
  sentAt: number
  /** How long the publish call took to resolve, ms (Plumtree: until the first-hop sends; gossipsub: signed and queued). */
  publishMs: number
  publishError?: string
  /**
   * Per node: receive time − send time, ms; NaN where the message never arrived (and at the
   * origin, which does not deliver its own message).
   */
  latencies: number[]
  /**
   * Per node: hops from the origin along the neighbours the first copies came from (1 = a
   * neighbour of the origin); NaN where unknown.
   */
  hops: number[]
}

export interface PhaseRecord {
  label: string
  nodes: number
  messages: MessageRecord[]
  /** Per node: payload copies received during the phase (drain included). */
  copies: number[]
  /** Network totals over the phase of the other counters (see {@link BroadcastCounters}). */
  announcedIds: number
  pulls: number
  suppressions: number
  /** Deliveries the application got twice, or of another phase (should be 0). */
  strayDeliveries: number
  /** Link events during the phase (Meshwork: and link-monitor hang-ups). */
  disconnects: number
  unreachable: number
  /** Overlay before and after the phase. */
  pushBefore: Spread
  pushAfter: Spread
  /** Last publish → every delivery in (or the timeout), ms. */
  tailMs: number
  /** Event-loop utilisation of the side's thread from the first publish to the end of the drain. */
  utilisation: number
  /** CPU time of the side's thread over the same span, ms: the work of the whole network (immune to other load on the machine). */
  cpuMs: number
  elapsedMs: number
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

function counterTotals (counters: readonly BroadcastCounters[]): BroadcastCounters {
  return counters.reduce((sum, c) => ({
    payloadCopies: sum.payloadCopies + c.payloadCopies,
    announcedIds: sum.announcedIds + c.announcedIds,
    pulls: sum.pulls + c.pulls,
    suppressions: sum.suppressions + c.suppressions
  }), { payloadCopies: 0, announcedIds: 0, pulls: 0, suppressions: 0 })
}

function linkTotals (network: BroadcastNetwork): { disconnects: number, unreachable: number } {
  const links = network.nodes.map(node => node.linkCounters())
  return { disconnects: links.reduce((s, l) => s + l.disconnects, 0), unreachable: links.reduce((s, l) => s + l.unreachable, 0) }
}

/** Hops of every node for one message, by following each node's first-copy neighbour back to the origin. */
function hopsFromParents (origin: number, parents: Int32Array): number[] {
  const hops = new Array<number>(parents.length).fill(Number.NaN)
  hops[origin] = 0
  const resolve = (node: number, depth: number): number => {
    if (!Number.isNaN(hops[node])) return hops[node]
    const parent = parents[node]
    if (parent < 0 || depth > parents.length) return Number.NaN
    hops[node] = resolve(parent, depth + 1) + 1
    return hops[node]
  }
  for (let node = 0; node < parents.length; node++) resolve(node, 0)
  return hops
}

/**
 * Publish the plan's messages from their origins at a fixed rate, record every delivery
 * (time, and the neighbour it came from), wait for the stragglers and the late copies, then
 * read how many payload copies each node received meanwhile.
 */
export async function runPhase (network: BroadcastNetwork, plan: PhasePlan, params: PhaseParams): Promise<PhaseRecord> {
  const n = network.nodes.length
  const count = plan.origins.length
  const expected = count * (n - 1)
  const receivedAt = plan.origins.map(() => new Float64Array(n).fill(Number.NaN))
  const parents = plan.origins.map(() => new Int32Array(n).fill(-1))
  const sentAt = new Float64Array(count).fill(Number.NaN)
  let delivered = 0
  let strayDeliveries = 0
  let allDelivered: () => void = () => {}
  const everything = new Promise<void>(resolve => { allDelivered = resolve })

  network.receiver = (node, data, from) => {
    const now = performance.now()
    const header = decodePayload(data)
    if (header === undefined || header.phase !== plan.phase || header.index >= count || !Number.isNaN(receivedAt[header.index][node])) {
      strayDeliveries++
      return
    }
    receivedAt[header.index][node] = now - header.sentAt
    parents[header.index][node] = from
    if (++delivered === expected) allDelivered()
  }

  const before = network.nodes.map(node => node.counters())
  const linksBefore = linkTotals(network)
  const pushBefore = spread(network.nodes.map(node => node.overlay().push))
  const loopBefore = performance.eventLoopUtilization()
  const cpuBefore = process.threadCpuUsage()
  const started = performance.now()
  const publishMs = new Float64Array(count).fill(Number.NaN)
  const publishErrors: Array<string | undefined> = new Array(count).fill(undefined)
  const publishes: Array<Promise<void>> = []
  const intervalMs = 1000 / params.rateHz
  for (let k = 0; k < count; k++) {
    const wait = started + k * intervalMs - performance.now()
    if (wait > 0) await sleep(wait)
    const stamp = performance.now()
    sentAt[k] = stamp
    const payload = encodePayload(params.payloadBytes, { phase: plan.phase, index: k, sentAt: stamp })
    publishes.push(network.nodes[plan.origins[k]].publish(payload).then(
      () => { publishMs[k] = performance.now() - stamp },
      (err: unknown) => { publishMs[k] = performance.now() - stamp; publishErrors[k] = err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
    ))
  }
  const lastSent = performance.now()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([everything, new Promise<void>(resolve => { timer = setTimeout(resolve, params.deliveryTimeoutMs) })])
  clearTimeout(timer)
  const tailMs = performance.now() - lastSent
  await Promise.allSettled(publishes)
  await sleep(params.drainMs)
  const utilisation = performance.eventLoopUtilization(loopBefore).utilization
  const cpu = process.threadCpuUsage(cpuBefore)
  network.receiver = undefined

  const after = network.nodes.map(node => node.counters())
  const linksAfter = linkTotals(network)
  const totals = { before: counterTotals(before), after: counterTotals(after) }
  return {
    label: plan.label,
    nodes: n,
    messages: plan.origins.map((origin, k) => ({
      origin,
      sentAt: sentAt[k],
      publishMs: publishMs[k],
      ...(publishErrors[k] === undefined ? {} : { publishError: publishErrors[k] }),
      latencies: [...receivedAt[k]],
      hops: hopsFromParents(origin, parents[k])
    })),
    copies: after.map((c, i) => c.payloadCopies - before[i].payloadCopies),
    announcedIds: totals.after.announcedIds - totals.before.announcedIds,
    pulls: totals.after.pulls - totals.before.pulls,
    suppressions: totals.after.suppressions - totals.before.suppressions,
    strayDeliveries,
    disconnects: linksAfter.disconnects - linksBefore.disconnects,
    unreachable: linksAfter.unreachable - linksBefore.unreachable,
    pushBefore,
    pushAfter: spread(network.nodes.map(node => node.overlay().push)),
    tailMs,
    utilisation,
    cpuMs: (cpu.user + cpu.system) / 1000,
    elapsedMs: performance.now() - started
  }
}
