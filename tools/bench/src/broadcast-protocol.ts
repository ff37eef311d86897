import type { FromNetworkWorker, ToNetworkWorker } from './network-thread.js'
import type { BuildReport, NetworkSnapshot, SettleParams, SettleReport } from './broadcast-network.js'
import type { BroadcastNodeSettings, BroadcastSideId } from './broadcast-node.js'
import type { PhaseParams, PhaseRecord } from './broadcast-phase.js'
import type { PhasePlan } from './broadcast-schedule.js'
import type { Edge } from './dht-topology.js'

/** Messages between the coordinator (main thread) and a network worker (`broadcast-worker.ts`). */

export interface BroadcastWorkerData {
  side: BroadcastSideId
  nodes: number
  edges: Edge[]
  settings: Omit<BroadcastNodeSettings, 'index'>
}

export type BroadcastRequest =
  | { type: 'settle', params: SettleParams }
  | { type: 'phase', plan: PhasePlan, params: PhaseParams }
  /** Overlay, connections, link events, memory; and the idle loop's utilisation over `idleMs`. */
  | { type: 'snapshot', idleMs: number }

export interface BroadcastReplies {
  settle: SettleReport
  phase: PhaseRecord
  snapshot: NetworkSnapshot & { idleUtilisation: number, unhandledRejections: number }
}

export type ToBroadcastWorker = ToNetworkWorker<BroadcastRequest>
export type FromBroadcastWorker = FromNetworkWorker<BuildReport>
