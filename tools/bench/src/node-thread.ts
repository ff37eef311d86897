import { Worker } from 'node:worker_threads'
import type { FromNode, NodeRequest, NodeRole, NodeWorkerData, ToNode } from './node-protocol.js'
import type { SideSpec } from './roles.js'

interface Pending { resolve: (value: unknown) => void, reject: (error: Error) => void }

/** The coordinator's handle on one node worker (see `node-worker.ts`). */
export class NodeThread {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  private stopped: Promise<void> | undefined
  private linkEventHandler: ((description: string) => void) | undefined

  private constructor (
    private readonly worker: Worker,
    readonly role: NodeRole,
    readonly peerId: string,
    readonly addresses: string[]
  ) {
    worker.on('message', (message: FromNode) => {
      if (message.type === 'reply' || message.type === 'reply-error') {
        const call = this.pending.get(message.id)
        this.pending.delete(message.id)
        if (message.type === 'reply') call?.resolve(message.value)
        else call?.reject(new Error(`${role}: ${message.message}`))
      } else if (message.type === 'link-event') {
        this.linkEventHandler?.(message.description)
      }
    })
    worker.on('error', (err) => { this.failAll(err) })
    worker.on('exit', () => { this.failAll(new Error(`${role} worker exited`)) })
  }

  static async start (role: NodeRole, spec: SideSpec, windowClosed: SharedArrayBuffer): Promise<NodeThread> {
    const data: NodeWorkerData = { role, spec, windowClosed }
    const worker = new Worker(new URL('./node-worker.js', import.meta.url), { workerData: data })
    const ready = await new Promise<Extract<FromNode, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (message: FromNode): void => {
        if (message.type === 'ready') { worker.off('message', onMessage); resolve(message) }
        if (message.type === 'failed') reject(new Error(`${role} failed to start: ${message.message}`))
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
    })
    return new NodeThread(worker, role, ready.peerId, ready.addresses)
  }

  /** Link events the worker's node reports (see `LinkEventHandler`). */
  onLinkEvent (handler: (description: string) => void): void {
    this.linkEventHandler = handler
  }

  /**
   * Send a request and wait for its reply. After `timeoutMs` the call rejects, and the worker
   * is told to forget the request (for an `expect-flow` whose stream never came).
   */
  async request<T> (request: NodeRequest, timeoutMs: number): Promise<T> {
    const id = this.nextId++
    const reply = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        this.send({ type: 'cancel', id })
        reject(new Error(`${this.role}: no reply to ${request.type} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value as T) },
        reject: (error) => { clearTimeout(timer); reject(error) }
      })
    })
    this.send({ type: 'request', id, request })
    return await reply
  }

  /** Tell the worker to forget a request still waiting there (see `request`). */
  cancelPending (): void {
    for (const [id, call] of this.pending) {
      this.send({ type: 'cancel', id })
      call.reject(new Error(`${this.role}: cancelled`))
    }
    this.pending.clear()
  }

  /** Stop the node, then end the thread (a stopped node may leave a timer that would hold it up to a second). */
  async stop (): Promise<void> {
    this.stopped ??= new Promise<void>(resolve => {
      const end = (): void => { clearTimeout(timer); void this.worker.terminate().then(() => { resolve() }) }
      const timer = setTimeout(end, 5_000)
      this.worker.on('message', (message: FromNode) => { if (message.type === 'stopped') end() })
      this.worker.once('exit', () => { clearTimeout(timer); resolve() })
      this.send({ type: 'stop' })
    })
    await this.stopped
  }

  private send (message: ToNode): void {
    this.worker.postMessage(message)
  }

  private failAll (error: Error): void {
    for (const call of this.pending.values()) call.reject(error)
    this.pending.clear()
  }
}
