/**
 * Worker entry: runs one side's listening node on its own thread and event loop. It meters
 * the flows the main thread announces, echoes round trips, and answers on `parentPort`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { meterFlow, type FlowWindow } from './flow-meter.js'
import { Handoff } from './handoff.js'
import type { FromListener, ListenerWorkerData, ToListener } from './listener-protocol.js'
import type { FlowKind } from './roles.js'
import { createListener } from './sides.js'

const port = parentPort
if (port === null) throw new Error('listener-worker.js runs as a worker thread')
const post = (message: FromListener): void => { port.postMessage(message) }
const describe = (err: unknown): string => err instanceof Error ? err.stack ?? err.message : String(err)

async function main (): Promise<void> {
  const { spec } = workerData as ListenerWorkerData
  const listener = await createListener(spec)
  const expected: Record<FlowKind, Handoff<{ id: number, window: FlowWindow }>> = { bytes: new Handoff(), messages: new Handoff() }

  listener.onFlow((kind, reader) => {
    void (async () => {
      let id = -1
      try {
        const expectation = await expected[kind].next()
        id = expectation.id
        post({ type: 'flow-result', id, measurement: await meterFlow(reader, expectation.window) })
      } catch (err) {
        reader.abort()
        post({ type: 'flow-error', id, message: describe(err) })
      }
    })()
  })

  port.on('message', (message: ToListener) => {
    if (message.type === 'expect-flow') {
      expected[message.kind].deliver({ id: message.id, window: message.window })
    } else {
      listener.stop()
        .catch(() => { /* stopping is best effort */ })
        .finally(() => { post({ type: 'stopped' }); port.close() })
    }
  })
  post({ type: 'ready', peerId: listener.peerId, addresses: listener.addresses() })
}

main().catch((err: unknown) => { post({ type: 'failed', message: describe(err) }) })
