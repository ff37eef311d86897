import type { FromNetworkWorker, ToNetworkWorker } from './network-thread.js'
import type { BuildReport, NetworkSnapshot, SettleParams, SettleReport } from './dht-network.js'
import type { DhtSideId, NodeSettings } from './dht-node.js'
import type { LookupBlock, LookupParams } from './dht-lookups.js'
import type { Edge, LookupPair } from './dht-topology.js'

/** Messages between the coordinator (main thread) and a network worker (`dht-worker.ts`). */

export interface NetworkWorkerData {
  side: DhtSideId
  nodes: number
  edges: Edge[]
  settings: NodeSettings
}

export type NetworkRequest =
  | { type: 'settle', params: SettleParams }
  /** For each node, the indices of the nodes it is connected to or holds in its peer store. */
  | { type: 'known' }
  | { type: 'lookups', pairs: LookupPair[], params: LookupParams }
  /** Routing tables, connections, link events, memory; and the idle loop's utilisation over `idleMs`. */
  | { type: 'snapshot', idleMs: number }

export interface NetworkReplies {
  settle: SettleReport
  known: number[][]
  lookups: LookupBlock
  snapshot: NetworkSnapshot & { idleUtilisation: number, unhandledRejections: number }
}

export type ToNetwork = ToNetworkWorker<NetworkRequest>
export type FromNetwork = FromNetworkWorker<BuildReport>
