/**
 * A client of the admin API (fetch-based). Every call gives up after the timeout; a subscription
 * gives up if it is not established within it, then lasts until it is closed.
 */
import type { ReadConsistency } from '@meshwork/consensus'
import type { AbortOptions, HealthStatus, PeerRecord, RouteEntry } from '@meshwork/core-mesh'
import type { DhtStatus } from '@meshwork/dht'
import type { KvCasAnswer, KvDeleteAnswer, KvEntryAnswer, KvPutAnswer, RaftStatusAnswer } from '../admin/consensus-answers.js'
import type { DhtPeerAnswer, DhtProvideAnswer, DhtProvidersAnswer, DhtPutAnswer, DhtRecordAnswer } from '../admin/dht-answers.js'
import type { MembersAnswer, PublishAnswer, SubscribersAnswer, TopicMessageAnswer } from '../admin/gossip-answers.js'
import { DEFAULT_CLIENT_TIMEOUT_MS } from '../constants.js'
import { AdminRequestError, AdminUnreachableError } from '../errors.js'
import type { ConsensusHealth } from '../node-consensus.js'
import type { DhtHealth } from '../node-dht.js'
import type { GossipHealth } from '../node-gossip.js'
import { readJsonLines } from './json-lines.js'

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
  gossip: GossipHealth
  consensus: ConsensusHealth
}

export interface SendResult { peer: string, bytes: number }
export interface BroadcastResult { id: string, bytes: number }

/** A topic subscription on the node: its messages as they arrive, until `close` or the node ends it. */
export interface TopicSubscription {
  /** Ends when the node closes the stream; throws when the connection breaks. */
  readonly messages: AsyncIterable<TopicMessageAnswer>
  /** Closes the stream; the node unsubscribes. Idempotent. */
  close(): void
}

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

  async members (options?: AbortOptions): Promise<MembersAnswer> {
    return await this.request<MembersAnswer>('GET', '/api/members', undefined, options)
  }

  /** Publishes on a topic; text goes as UTF-8 `data`, bytes as `dataBase64`. */
  async publish (topic: string, data: string | Uint8Array, options?: AbortOptions): Promise<PublishAnswer> {
    return await this.request<PublishAnswer>('POST', '/api/publish', { topic, ...payload(data) }, options)
  }

  async subscribers (topic: string, options?: AbortOptions): Promise<SubscribersAnswer> {
    return await this.request<SubscribersAnswer>('GET', `/api/subscribers?${new URLSearchParams({ topic })}`, undefined, options)
  }

  /**
   * Subscribes the node to `topic` for as long as the returned subscription is open. Resolves
   * once the node has subscribed (the answer's headers arrived): messages published from then
   * on are delivered. The timeout applies until then; `options.signal` closes it at any time.
   */
  async subscribe (topic: string, options: AbortOptions = {}): Promise<TopicSubscription> {
    options.signal?.throwIfAborted()
    const url = new URL(`/api/subscribe?${new URLSearchParams({ topic })}`, this.options.url).href
    const stream = new AbortController()
    const closeOnAbort = (): void => { stream.abort(options.signal?.reason) }
    options.signal?.addEventListener('abort', closeOnAbort, { once: true })
    const close = (): void => {
      options.signal?.removeEventListener('abort', closeOnAbort)
      stream.abort(new DOMException('the subscription was closed', 'AbortError'))
    }
    // fetch's signal also ends the body: the timeout must stop applying once the answer is here,
    // so it is a timer on the stream's own controller rather than a signal of its own.
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      stream.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'))
    }, this.timeoutMs)
    let response: Response
    try {
      response = await this.fetch(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/x-ndjson' },
        signal: stream.signal
      })
    } catch (err) {
      close()
      throw this.unreachable(err, url, timedOut, options)
    } finally {
      clearTimeout(timer)
    }
    if (!response.ok || response.body === null) {
      const text = await response.text().catch(() => '')
      close()
      throw response.ok ? new AdminRequestError(response.status, 'InvalidResponse', 'the answer has no body') : answerError(response.status, text)
    }
    // Past this point only `close` (or the caller's signal) ends it.
    const body = response.body
    const messages = async function * (): AsyncGenerator<TopicMessageAnswer> {
      try {
        for await (const line of readJsonLines(body)) yield line as TopicMessageAnswer
      } finally {
        close()
      }
    }
    return { messages: messages(), close }
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

  /** The value under `key` in the replicated KV store; a missing key is a 404 KeyNotFoundError. */
  async kvGet (key: string, options: AbortOptions & { consistency?: ReadConsistency } = {}): Promise<KvEntryAnswer> {
    const query = new URLSearchParams({ key, ...(options.consistency !== undefined ? { consistency: options.consistency } : {}) })
    return await this.request<KvEntryAnswer>('GET', `/api/kv?${query}`, undefined, options)
  }

  /** Text goes as UTF-8 `value`, bytes as `valueBase64`. */
  async kvPut (key: string, value: string | Uint8Array, options?: AbortOptions): Promise<KvPutAnswer> {
    return await this.request<KvPutAnswer>('PUT', '/api/kv', { key, ...payload(value, 'value') }, options)
  }

  /** Writes `value` if the key holds `expected` (undefined: if it is absent); a mismatch is `succeeded: false`. */
  async kvCas (key: string, expected: string | Uint8Array | undefined, value: string | Uint8Array, options?: AbortOptions): Promise<KvCasAnswer> {
    const expectation = expected === undefined ? { expected: null } : payload(expected, 'expected')
    return await this.request<KvCasAnswer>('POST', '/api/kv/cas', { key, ...expectation, ...payload(value, 'value') }, options)
  }

  async kvDelete (key: string, options?: AbortOptions): Promise<KvDeleteAnswer> {
    return await this.request<KvDeleteAnswer>('DELETE', `/api/kv?${new URLSearchParams({ key })}`, undefined, options)
  }

  async raftStatus (options?: AbortOptions): Promise<RaftStatusAnswer> {
    return await this.request<RaftStatusAnswer>('GET', '/api/raft', undefined, options)
  }

  private async request<T> (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, options: AbortOptions = {}): Promise<T> {
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
      throw this.unreachable(err, url, timeout.aborted, options)
    }
    if (!response.ok) throw answerError(response.status, text)
    const parsed = parseJson(text)
    if (parsed === undefined) throw new AdminRequestError(response.status, 'InvalidResponse', 'the answer is not JSON')
    return parsed as T
  }

  /** What a failed fetch means: the caller's abort, the timeout, or no node there. */
  private unreachable (err: unknown, url: string, timedOut: boolean, options: AbortOptions): unknown {
    if (options.signal?.aborted === true) return options.signal.reason
    if (timedOut) return new AdminUnreachableError(`${url} (no answer within ${this.timeoutMs} ms)`, { cause: err })
    return new AdminUnreachableError(url, { cause: err })
  }
}

/** The admin API's error answer `{ error: { name, message } }` as an AdminRequestError. */
function answerError (status: number, text: string): AdminRequestError {
  const error = (parseJson(text) as { error?: { name?: unknown, message?: unknown } } | undefined)?.error
  return new AdminRequestError(
    status,
    typeof error?.name === 'string' ? error.name : 'HttpError',
    typeof error?.message === 'string' ? error.message : text.slice(0, 200)
  )
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
