import { Worker } from 'node:worker_threads'
import type { FlowMeasurement, FlowWindow } from './flow-meter.js'
import type { FromListener, ListenerWorkerData, ToListener } from './listener-protocol.js'
import type { FlowKind, SideSpec } from './roles.js'

/** The main thread's handle on a listener worker (see `listener-worker.ts`). */
export class ListenerThread {
  private nextId = 0
  private readonly pending = new Map<number, { resolve: (m: FlowMeasurement) => void, reject: (e: Error) => void }>()
  private stopped: Promise<void> | undefined

  private constructor (private readonly worker: Worker, readonly peerId: string, readonly addresses: string[]) {
    worker.on('message', (message: FromListener) => {
      if (message.type === 'flow-result' || message.type === 'flow-error') {
        const call = this.pending.get(message.id)
        this.pending.delete(message.id)
        if (message.type === 'flow-result') call?.resolve(message.measurement)
        else call?.reject(new Error(`listener: ${message.message}`))
      }
    })
    worker.on('error', (err) => { this.failAll(err) })
    worker.on('exit', () => { this.failAll(new Error('listener worker exited')) })
  }

  static async start (spec: SideSpec): Promise<ListenerThread> {
    const data: ListenerWorkerData = { spec }
    const worker = new Worker(new URL('./listener-worker.js', import.meta.url), { workerData: data })
    const ready = await new Promise<Extract<FromListener, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (message: FromListener): void => {
        if (message.type === 'ready') { worker.off('message', onMessage); resolve(message) }
        if (message.type === 'failed') reject(new Error(`listener failed to start: ${message.message}`))
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
    })
    return new ListenerThread(worker, ready.peerId, ready.addresses)
  }

  /** Announce the next inbound flow of `kind`; resolves with what the listener measured. */
  async measureFlow (kind: FlowKind, window: FlowWindow): Promise<FlowMeasurement> {
    const id = this.nextId++
    const result = new Promise<FlowMeasurement>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    this.send({ type: 'expect-flow', id, kind, window })
    return await result
  }

  async stop (): Promise<void> {
    this.stopped ??= new Promise<void>(resolve => {
      const timer = setTimeout(() => { void this.worker.terminate().then(() => { resolve() }) }, 5_000)
      this.worker.once('exit', () => { clearTimeout(timer); resolve() })
      this.send({ type: 'stop' })
    })
    await this.stopped
  }

  private send (message: ToListener): void {
    this.worker.postMessage(message)
  }

  private failAll (error: Error): void {
    for (const call of this.pending.values()) call.reject(error)
    this.pending.clear()
  }
}
