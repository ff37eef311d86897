import { Worker } from 'node:worker_threads'

/** What the coordinator sends a network worker. */
export type ToNetworkWorker<Request> =
  | { type: 'request', id: number, request: Request }
  | { type: 'stop' }

/** What a network worker sends the coordinator. */
export type FromNetworkWorker<Report> =
  | { type: 'ready', report: Report }
  | { type: 'reply', id: number, value: unknown }
  | { type: 'reply-error', id: number, message: string }
  /** A line for the operator while a long request runs. */
  | { type: 'progress', text: string }
  | { type: 'stopped' }
  | { type: 'failed', message: string }
  | { type: 'snapshot', idleMs: number }

interface Pending { resolve: (value: unknown) => void, reject: (error: Error) => void }

/** A network worker can use this much heap: 100 libp2p nodes take about 1 GiB. */
const WORKER_HEAP_MB = 6144
const STOP_GRACE_MS = 15_000

/**
 * The coordinator's handle on one side's network worker (`dht-worker.ts`,
 * `broadcast-worker.ts`): typed request/reply over `postMessage`, progress lines, and a stop
 * that ends the thread whatever its nodes do.
 */
export class NetworkThread<Request extends { type: string }, Replies extends Record<Request['type'], unknown>, Report> {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  private stopped: Promise<void> | undefined
  /** Receives the worker's progress lines. */
  onProgress: (text: string) => void = () => {}

  private constructor (private readonly worker: Worker, readonly side: string, readonly build: Report) {
    worker.on('message', (message: FromNetworkWorker<Report>) => {
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

  /** Start the worker at `script`; resolves once its network is up and the topology dialled. */
  static async start<Request extends { type: string }, Replies extends Record<Request['type'], unknown>, Report> (
    script: URL,
    data: { side: string }
  ): Promise<NetworkThread<Request, Replies, Report>> {
    const worker = new Worker(script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } })
    try {
      const report = await new Promise<Report>((resolve, reject) => {
        worker.on('message', (message: FromNetworkWorker<Report>) => {
          if (message.type === 'ready') resolve(message.report)
          if (message.type === 'failed') reject(new Error(`${data.side} network failed to start: ${message.message}`))
        })
        worker.once('error', reject)
        worker.once('exit', (code) => { reject(new Error(`${data.side} worker exited (${code}) while starting`)) })
      })
      return new NetworkThread<Request, Replies, Report>(worker, data.side, report)
    } catch (err) {
      await worker.terminate()
      throw err
    }
  }

  async request<K extends Request['type']> (request: Extract<Request, { type: K }>, timeoutMs: number): Promise<Replies[K]> {
    const id = this.nextId++
    const reply = new Promise<Replies[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.side}: no reply to ${request.type} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value as Replies[K]) },
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
      this.worker.on('message', (message: FromNetworkWorker<Report>) => { if (message.type === 'stopped') end() })
      this.worker.once('exit', () => { clearTimeout(timer); resolve() })
      this.send({ type: 'stop' })
    })
    await this.stopped
  }

  private send (message: ToNetworkWorker<Request>): void {
    this.worker.postMessage(message)
  }

  private failAll (error: Error): void {
    for (const call of this.pending.values()) call.reject(error)
    this.pending.clear()
  }
}
