/** Stub components for the tests: a mesh node, an in-memory file system, a signal source. */
import { EventEmitter } from 'node:events'
import type { HealthReport, MeshConfig, MeshEvents, PeerRecord, RouteEntry } from '@meshwork/core-mesh'
import type { RunnableMeshNode } from '../src/node-api.js'
import type { ShutdownProcess } from '../src/shutdown.js'
import type { TextFiles } from '../src/text-files.js'

export interface SentMessage { peer: string, data: Uint8Array }

export class FakeNode implements RunnableMeshNode {
  private readonly events = new EventTarget()
  healthReport: HealthReport = { status: 'HEALTHY', members: 3, unreachable: 0 }
  peerList: PeerRecord[] = [peerRecord('12D3KooWPeerA', 'connected', 1.5), peerRecord('12D3KooWPeerB', 'known')]
  routeList: RouteEntry[] = [{ destination: '12D3KooWPeerA', nextHop: '12D3KooWPeerA', cost: 1 }]
  readonly sent: SentMessage[] = []
  readonly broadcasts: Uint8Array[] = []
  /** Replaces send's behaviour (to throw, or to wait for the abort signal). */
  onSend: ((peer: string, data: Uint8Array, signal?: AbortSignal) => Promise<void>) | undefined
  starts = 0
  stops = 0

  constructor (readonly peerId = '12D3KooWSelf', readonly config: MeshConfig = {}) {}

  addresses (): string[] {
    return [`/ip4/127.0.0.1/tcp/4001/p2p/${this.peerId}`]
  }

  health (): HealthReport { return this.healthReport }
  peers (): PeerRecord[] { return this.peerList }
  routes (): RouteEntry[] { return this.routeList }
  onMessage (): () => void { return () => {} }
  onBroadcast (): () => void { return () => {} }

  async send (peer: string, data: Uint8Array, options?: { signal?: AbortSignal }): Promise<void> {
    if (this.onSend !== undefined) return await this.onSend(peer, data, options?.signal)
    this.sent.push({ peer, data })
  }

  async broadcast (data: Uint8Array): Promise<Uint8Array> {
    this.broadcasts.push(data)
    return new Uint8Array([0xca, 0xfe, this.broadcasts.length])
  }

  addEventListener<K extends keyof MeshEvents & string> (type: K, listener: (event: CustomEvent<MeshEvents[K]>) => void): void {
    this.events.addEventListener(type, listener as EventListener)
  }

  emit<K extends keyof MeshEvents & string> (type: K, detail: MeshEvents[K]): void {
    this.events.dispatchEvent(new CustomEvent(type, { detail }))
  }

  async start (): Promise<void> { this.starts++ }
  async stop (): Promise<void> { this.stops++ }
}

export function peerRecord (id: string, status: PeerRecord['status'], rttMs?: number): PeerRecord {
  return {
    id,
    addresses: [`/ip4/10.0.0.1/tcp/4001/p2p/${id}`],
    status,
    ...(rttMs !== undefined ? { rttMs } : {}),
    traffic: { messagesIn: 4, messagesOut: 2, bytesIn: 400, bytesOut: 200 },
    reputation: 0,
    tags: []
  }
}

export interface MemoryFiles extends TextFiles {
  readonly files: Map<string, string>
  readonly modes: Map<string, number>
}

export function memoryFiles (initial: Record<string, string> = {}): MemoryFiles {
  const files = new Map(Object.entries(initial))
  const modes = new Map<string, number>()
  return {
    files,
    modes,
    readFile: async (path) => {
      const text = files.get(path)
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' })
      return text
    },
    writeFile: async (path, data, mode) => {
      files.set(path, data)
      modes.set(path, mode)
    },
    removeFile: async (path) => { files.delete(path) }
  }
}

export class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly exits: number[] = []

  exit (code: number): void {
    this.exits.push(code)
  }
}

export function collectIo (): { out: string[], err: string[], io: { out: (line: string) => void, err: (line: string) => void } } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (line) => { out.push(line) }, err: (line) => { err.push(line) } } }
}

/** Resolves `error.name` of a rejected promise (fails the test if it resolves). */
export async function rejectionName (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return (err as Error).name
  }
  throw new Error('expected a rejection')
}
