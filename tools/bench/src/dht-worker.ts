/**
 * Worker entry: one side's whole network (100 nodes on the memory transport, which only links
 * nodes of one thread) on its own event loop, so the side being measured never shares a loop
 * with the idle one's heartbeats and table upkeep.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { runLookups } from './dht-lookups.js'
import { DhtNetwork } from './dht-network.js'
import type { FromNetwork, NetworkRequest, NetworkWorkerData, ToNetwork } from './dht-protocol.js'
import { measureUtilisation } from './event-loop-quiet.js'

if (parentPort === null) throw new Error('dht-worker.js runs as a worker thread')
const port = parentPort
const post = (message: FromNetwork): void => { port.postMessage(message) }
const describe = (err: unknown): string => err instanceof Error ? err.stack ?? err.message : String(err)

const PROGRESS_EVERY = 10

// A stray rejection deep in a node (a dial aborted by its timeout) must not end the run: count it.
let unhandledRejections = 0
process.on('unhandledRejection', () => { unhandledRejections++ })

async function handle (network: DhtNetwork, request: NetworkRequest): Promise<unknown> {
  switch (request.type) {
    case 'settle': return await network.settle(request.params)
    case 'known': return await network.known()
    case 'lookups': {
      let found = 0
      let slowest = 0
      return await runLookups(network, request.pairs, request.params, (record, done) => {
        if (record.found) found++
        slowest = Math.max(slowest, record.ms)
        if (done % PROGRESS_EVERY === 0 || done === request.pairs.length) {
          post({ type: 'progress', text: `${network.side}: ${done}/${request.pairs.length} lookups, ${found} found, slowest ${slowest.toFixed(0)} ms` })
        }
      })
    }
    case 'snapshot': {
      const idleUtilisation = request.idleMs > 0 ? await measureUtilisation(request.idleMs) : Number.NaN
      return { ...network.snapshot(), idleUtilisation, unhandledRejections }
    }
  }
}

async function main (): Promise<void> {
  const { side, nodes, edges, settings } = workerData as NetworkWorkerData
  const { network, report } = await DhtNetwork.build(side, nodes, edges, settings)
  port.on('message', (message: ToNetwork) => {
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
