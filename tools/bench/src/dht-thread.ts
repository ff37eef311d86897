import type { BuildReport } from './dht-network.js'
import type { DhtSideId } from './dht-node.js'
import type { NetworkReplies, NetworkRequest, NetworkWorkerData } from './dht-protocol.js'
import { NetworkThread } from './network-thread.js'

/** The coordinator's handle on one DHT side's worker (see `dht-worker.ts`). */
export type DhtThread = NetworkThread<NetworkRequest, NetworkReplies, BuildReport> & { readonly side: DhtSideId }

export async function startDhtThread (data: NetworkWorkerData): Promise<DhtThread> {
  return await NetworkThread.start<NetworkRequest, NetworkReplies, BuildReport>(new URL('./dht-worker.js', import.meta.url), data) as DhtThread
}
