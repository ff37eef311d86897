import type { BuildReport } from './broadcast-network.js'
import type { BroadcastSideId } from './broadcast-node.js'
import type { BroadcastReplies, BroadcastRequest, BroadcastWorkerData } from './broadcast-protocol.js'
import { NetworkThread } from './network-thread.js'

/** The coordinator's handle on one broadcast side's worker (see `broadcast-worker.ts`). */
export type BroadcastThread = NetworkThread<BroadcastRequest, BroadcastReplies, BuildReport> & { readonly side: BroadcastSideId }

export async function startBroadcastThread (data: BroadcastWorkerData): Promise<BroadcastThread> {
  return await NetworkThread.start<BroadcastRequest, BroadcastReplies, BuildReport>(new URL('./broadcast-worker.js', import.meta.url), data) as BroadcastThread
}
