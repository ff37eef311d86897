/** A client of the admin API (fetch-based); every call gives up after the timeout. */
import type { AbortOptions, HealthStatus, PeerRecord, RouteEntry } from '@meshwork/core-mesh'
import type { DhtStatus } from '@meshwork/dht'
import type { DhtPeerAnswer, DhtProvideAnswer, DhtProvidersAnswer, DhtPutAnswer, DhtRecordAnswer } from '../admin/dht-answers.js'
import { DEFAULT_CLIENT_TIMEOUT_MS } from '../constants.js'
import { AdminRequestError, AdminUnreachableError } from '../errors.js'
import type { DhtHealth } from '../node-dht.js'

export interface AdminClientOptions {
  /** `http://127.0.0.1:7700` */
  url: string
  token: string
  timeoutMs?: number
  fetch?: typeof fetch
}

export interface NodeStatus {
  peerId: string
  addresses: string[]
  status: HealthStatus
  members: number
  unreachable: number
  dht: DhtHealth
}

export interface SendResult { peer: string, bytes: number }
export interface BroadcastResult { id: string, bytes: number }

export class AdminClient {
  private readonly fetch: typeof fetch
  private readonly timeoutMs: number

  constructor (private readonly options: AdminClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS
  }

  get url (): string {
    return this.options.url
  }

  async status (options?: AbortOptions): Promise<NodeStatus> {
    return await this.request<NodeStatus>('GET', '/api/health', undefined, options)
  }

  async peers (options?: AbortOptions): Promise<PeerRecord[]> {
    return (await this.request<{ peers: PeerRecord[] }>('GET', '/api/peers', undefined, options)).peers
  }

  async routes (options?: AbortOptions): Promise<RouteEntry[]> {
    return (await this.request<{ routes: RouteEntry[] }>('GET', '/api/routes', undefined, options)).routes
  }

  /** Text goes as UTF-8 `data`, bytes as `dataBase64`. */
  async send (peer: string, data: string | Uint8Array, options?: AbortOptions): Promise<SendResult> {
    return await this.request<SendResult>('POST', '/api/send', { peer, ...payload(data) }, options)
  }

  async broadcast (data: string | Uint8Array, options?: AbortOptions): Promise<BroadcastResult> {
    return await this.request<BroadcastResult>('POST', '/api/broadcast', payload(data), options)
  }

  /** Signs and stores this node's record `name`; text goes as UTF-8 `value`, bytes as `valueBase64`. */
  async dhtPut (name: string, value: string | Uint8Array, options: AbortOptions & { ttlMs?: number } = {}): Promise<DhtPutAnswer> {
    const ttl = options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }
    return await this.request<DhtPutAnswer>('POST', '/api/dht/put', { name, ...payload(value, 'value'), ...ttl }, options)
  }

  /** The record `name` of `owner` (default: the node itself). */
  async dhtGet (owner: string | undefined, name: string, options?: AbortOptions): Promise<DhtRecordAnswer> {
    const query = new URLSearchParams({ ...(owner === undefined ? {} : { owner }), name })
    return await this.request<DhtRecordAnswer>('GET', `/api/dht/get?${query}`, undefined, options)
  }

  async dhtProvide (name: string, options?: AbortOptions): Promise<DhtProvideAnswer> {
    return await this.request<DhtProvideAnswer>('POST', '/api/dht/provide', { name }, options)
  }

  async dhtFindProviders (name: string, options?: AbortOptions): Promise<DhtProvidersAnswer> {
    return await this.request<DhtProvidersAnswer>('GET', `/api/dht/providers?${new URLSearchParams({ name })}`, undefined, options)
  }

  async dhtFindPeer (peer: string, options?: AbortOptions): Promise<DhtPeerAnswer> {
    return await this.request<DhtPeerAnswer>('GET', `/api/dht/peer/${encodeURIComponent(peer)}`, undefined, options)
  }

  async dhtStatus (options?: AbortOptions): Promise<DhtStatus> {
    return await this.request<DhtStatus>('GET', '/api/dht/status', undefined, options)
  }

  private async request<T> (method: 'GET' | 'POST', path: string, body: unknown, options: AbortOptions = {}): Promise<T> {
    const url = new URL(path, this.options.url).href
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
    let response: Response
    let text: string
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal
      })
      text = await response.text()
    } catch (err) {
      if (options.signal?.aborted === true) throw options.signal.reason
      if (timeout.aborted) throw new AdminUnreachableError(`${url} (no answer within ${this.timeoutMs} ms)`, { cause: err })
      throw new AdminUnreachableError(url, { cause: err })
    }
    const parsed = parseJson(text)
    if (!response.ok) {
      const error = (parsed as { error?: { name?: unknown, message?: unknown } } | undefined)?.error
      throw new AdminRequestError(
        response.status,
        typeof error?.name === 'string' ? error.name : 'HttpError',
        typeof error?.message === 'string' ? error.message : text.slice(0, 200)
      )
    }
    if (parsed === undefined) throw new AdminRequestError(response.status, 'InvalidResponse', 'the answer is not JSON')
    return parsed as T
  }
}

/** `{ <field>: text }` for text, `{ <field>Base64: … }` for bytes: how the admin API takes payloads. */
function payload (data: string | Uint8Array, field = 'data'): Record<string, string> {
  return typeof data === 'string' ? { [field]: data } : { [`${field}Base64`]: Buffer.from(data).toString('base64') }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
