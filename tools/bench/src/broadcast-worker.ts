/**
 * Worker entry: one side's whole network (100 nodes on the memory transport, which only links
 * nodes of one thread) on its own event loop, so the side being measured never shares a loop
 * with the idle one's heartbeats.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { BroadcastNetwork } from './broadcast-network.js'
import { runPhase } from './broadcast-phase.js'
import type { BroadcastRequest, BroadcastWorkerData, FromBroadcastWorker, ToBroadcastWorker } from './broadcast-protocol.js'
import { measureUtilisation } from './event-loop-quiet.js'

if (parentPort === null) throw new Error('broadcast-worker.js runs as a worker thread')
const port = parentPort
const post = (message: FromBroadcastWorker): void => { port.postMessage(message) }
const describe = (err: unknown): string => err instanceof Error ? err.stack ?? err.message : String(err)

// A stray rejection deep in a node (a stream reset while stopping) must not end the run: count it.
let unhandledRejections = 0
process.on('unhandledRejection', () => { unhandledRejections++ })

async function handle (network: BroadcastNetwork, request: BroadcastRequest): Promise<unknown> {
  switch (request.type) {
    case 'settle': return await network.settle(request.params)
    case 'phase': return await runPhase(network, request.plan, request.params)
    case 'snapshot': {
      const idleUtilisation = request.idleMs > 0 ? await measureUtilisation(request.idleMs) : Number.NaN
      return { ...network.snapshot(), idleUtilisation, unhandledRejections }
    }
  }
}

async function main (): Promise<void> {
  const { side, nodes, edges, settings } = workerData as BroadcastWorkerData
  const { network, report } = await BroadcastNetwork.build(side, nodes, edges, settings)
  port.on('message', (message: ToBroadcastWorker) => {
    if (message.type === 'request') {
      handle(network, message.request).then(
        (value) => { post({ type: 'reply', id: message.id, value }) },
        (err: unknown) => { post({ type: 'reply-error', id: message.id, message: describe(err) }) }
      )
    } else {
      network.stop()
        .catch(() => { /* stopping is best effort */ })
        .finally(() => { post({ type: 'stopped' }) })
    }
  })
  post({ type: 'ready', report })
}

main().catch((err: unknown) => { post({ type: 'failed', message: describe(err) }) })
