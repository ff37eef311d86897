import { Worker } from 'node:worker_threads'
import type { BuildReport } from './dht-network.js'
import type { DhtSideId } from './dht-node.js'
import type { FromNetwork, NetworkReplies, NetworkRequest, NetworkWorkerData, ToNetwork } from './dht-protocol.js'

interface Pending { resolve: (value: unknown) => void, reject: (error: Error) => void }

/** A network worker can use this much heap: 100 libp2p nodes take about 1 GiB. */
const WORKER_HEAP_MB = 6144
const STOP_GRACE_MS = 15_000

/** The coordinator's handle on one side's network worker (see `dht-worker.ts`). */
export class NetworkThread {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  private stopped: Promise<void> | undefined
  /** Receives the worker's progress lines. */
  onProgress: (text: string) => void = () => {}

  private constructor (private readonly worker: Worker, readonly side: DhtSideId, readonly build: BuildReport) {
    worker.on('message', (message: FromNetwork) => {
      if (message.type === 'progress') this.onProgress(message.text)
      if (message.type !== 'reply' && message.type !== 'reply-error') return
      const call = this.pending.get(message.id)
      this.pending.delete(message.id)
      if (message.type === 'reply') call?.resolve(message.value)
      else call?.reject(new Error(`${side}: ${message.message}`))
    })
    worker.on('error', (err) => { this.failAll(err) })
    worker.on('exit', () => { this.failAll(new Error(`${side} worker exited`)) })
  }

  /** Start the worker; resolves once its network is up and the topology dialled. */
  static async start (data: NetworkWorkerData): Promise<NetworkThread> {
    const worker = new Worker(new URL('./dht-worker.js', import.meta.url), {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }
    })
    try {
      const report = await new Promise<BuildReport>((resolve, reject) => {
        worker.on('message', (message: FromNetwork) => {
          if (message.type === 'ready') resolve(message.report)
          if (message.type === 'failed') reject(new Error(`${data.side} network failed to start: ${message.message}`))
        })
        worker.once('error', reject)
        worker.once('exit', (code) => { reject(new Error(`${data.side} worker exited (${code}) while starting`)) })
      })
      return new NetworkThread(worker, data.side, report)
    } catch (err) {
      await worker.terminate()
      throw err
    }
  }

  async request<K extends NetworkRequest['type']> (request: Extract<NetworkRequest, { type: K }>, timeoutMs: number): Promise<NetworkReplies[K]> {
    const id = this.nextId++
    const reply = new Promise<NetworkReplies[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.side}: no reply to ${request.type} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value as NetworkReplies[K]) },
        reject: (error) => { clearTimeout(timer); reject(error) }
      })
    })
    this.send({ type: 'request', id, request })
    return await reply
  }

  /** Stop every node, then end the thread (after a grace period, whatever the nodes do). */
  async stop (): Promise<void> {
    this.stopped ??= new Promise<void>(resolve => {
      const end = (): void => { clearTimeout(timer); void this.worker.terminate().then(() => { resolve() }) }
      const timer = setTimeout(end, STOP_GRACE_MS)
      this.worker.on('message', (message: FromNetwork) => { if (message.type === 'stopped') end() })
      this.worker.once('exit', () => { clearTimeout(timer); resolve() })
      this.send({ type: 'stop' })
    })
    await this.stopped
  }

  private send (message: ToNetwork): void {
    this.worker.postMessage(message)
  }

  private failAll (error: Error): void {
    for (const call of this.pending.values()) call.reject(error)
    this.pending.clear()
  }
}
