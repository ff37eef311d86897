/**
 * Worker entry: one node of one side on its own thread and event loop — the dialer (it writes
 * flows and times round trips) or the listener (it meters flows and echoes). Each node gets
 * its own thread so that no node ever waits on another's event loop: not the two ends of a
 * flow, and not an idle side's nodes, whose heartbeats must not suffer from a busy writer.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { meterFlow, type FlowMeasurement, type FlowWindow } from './flow-meter.js'
import { Handoff } from './handoff.js'
import type { FromNode, NodeRequest, NodeWorkerData, ToNode } from './node-protocol.js'
import type { DialerNode, FlowKind, ListenerNode } from './roles.js'
import { createDialer, createListener } from './sides.js'
import { measureRoundTrips, writeFlow } from './workloads.js'

if (parentPort === null) throw new Error('node-worker.js runs as a worker thread')
const port = parentPort
const post = (message: FromNode): void => { port.postMessage(message) }
const describe = (err: unknown): string => err instanceof Error ? err.message : String(err)

interface RequestHandler {
  handle(id: number, request: NodeRequest): Promise<unknown>
  cancel(id: number): void
}

function dialerRequests (dialer: DialerNode, windowClosed: () => boolean): RequestHandler {
  return {
    async handle (_id, request) {
      switch (request.type) {
        case 'connect': return await dialer.connect(request.peerId, request.addresses)
        case 'write-flow': return await writeFlow(dialer, request.kind, request.payloadBytes, windowClosed)
        case 'round-trips': return await measureRoundTrips(dialer, request.params)
        default: throw new Error(`a dialer does not handle ${request.type}`)
      }
    },
    cancel () {}
  }
}

interface Expectation {
  id: number
  kind: FlowKind
  window: FlowWindow
  resolve: (measurement: FlowMeasurement) => void
  reject: (error: unknown) => void
}

/** Inbound flows are matched in order with the coordinator's `expect-flow` requests. */
function listenerRequests (listener: ListenerNode, closeWindow: () => void): RequestHandler {
  const expected: Record<FlowKind, Handoff<Expectation>> = { bytes: new Handoff(), messages: new Handoff() }
  const waiting = new Map<number, Expectation>()
  listener.onFlow((kind, reader) => {
    void (async () => {
      let expectation: Expectation | undefined
      try {
        expectation = await expected[kind].next()
        waiting.delete(expectation.id)
        const measurement = await meterFlow(reader, expectation.window)
        closeWindow()
        expectation.resolve(measurement)
      } catch (err) {
        reader.abort()
        closeWindow()
        expectation?.reject(err)
      }
    })()
  })
  return {
    async handle (id, request) {
      if (request.type !== 'expect-flow') throw new Error(`a listener does not handle ${request.type}`)
      return await new Promise<FlowMeasurement>((resolve, reject) => {
        const expectation = { id, kind: request.kind, window: request.window, resolve, reject }
        waiting.set(id, expectation)
        expected[request.kind].deliver(expectation)
      })
    },
    cancel (id) {
      const expectation = waiting.get(id)
      waiting.delete(id)
      if (expectation !== undefined) expected[expectation.kind].withdraw(expectation)
    }
  }
}

async function main (): Promise<void> {
  const { role, spec, windowClosed } = workerData as NodeWorkerData
  const flag = new Int32Array(windowClosed)
  let node: DialerNode | ListenerNode
  let requests: RequestHandler
  if (role === 'dialer') {
    const dialer = await createDialer(spec)
    node = dialer
    requests = dialerRequests(dialer, () => Atomics.load(flag, 0) !== 0)
  } else {
    const listener = await createListener(spec)
    node = listener
    requests = listenerRequests(listener, () => { Atomics.store(flag, 0, 1) })
  }
  node.onLinkEvent((description) => { post({ type: 'link-event', description }) })

  port.on('message', (message: ToNode) => {
    if (message.type === 'request') {
      requests.handle(message.id, message.request).then(
        (value) => { post({ type: 'reply', id: message.id, value }) },
        (err: unknown) => { post({ type: 'reply-error', id: message.id, message: describe(err) }) }
      )
    } else if (message.type === 'cancel') {
      requests.cancel(message.id)
    } else {
      node.stop()
        .catch(() => { /* stopping is best effort */ })
        .finally(() => { post({ type: 'stopped' }) })
    }
  })
  const listening = role === 'listener' ? node as ListenerNode : undefined
  post({ type: 'ready', peerId: listening?.peerId ?? '', addresses: listening?.addresses() ?? [] })
}

main().catch((err: unknown) => { post({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) }) })
