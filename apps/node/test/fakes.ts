/**
 * Stub components for the tests: a mesh node, its DHT, its gossip membership and pub/sub, its
 * consensus service and replicated KV store, an in-memory file system, a signal source.
 */
import { EventEmitter } from 'node:events'
import type {
  ConsensusStatus, GroupStatus, KvEntry, KvReadOptions, KvResult, KvWriteOptions, ReplicatedKv, RequestId
} from '@meshwork/consensus'
import type { AbortOptions, HealthReport, MeshConfig, MeshEvents, PeerRecord, PubSubHandler, PubSubMessage, PublishResult, RouteEntry } from '@meshwork/core-mesh'
import {
  PeerNotFoundError, RecordNotFoundError, type DhtQueryOptions, type DhtStatus, type FoundPeer, type Provider,
  type PutOptions, type PutResult, type SignedRecordResult
} from '@meshwork/dht'
import { TopicNameError, type MemberInfo, type MembershipEvent, type MembershipStatus } from '@meshwork/gossip'
import type { NodeConsensus, NodeDht, NodeMembership, NodePubSub, RunnableMeshNode } from '../src/node-api.js'
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
  /** What `service(name)` finds, e.g. a FakeDht under `dht`. */
  readonly services = new Map<string, unknown>()
  starts = 0
  stops = 0

  constructor (readonly peerId = '12D3KooWSelf', readonly config: MeshConfig = {}) {}

  service<T> (name: string): T | undefined {
    return this.services.get(name) as T | undefined
  }

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

/** Peer ids that parse (the admin API checks them), for the DHT tests. */
export const PEER_A = '12D3KooWHT8KaEY7Su1a9vkGQnLuGsE6z3V6Gu6255xcNqETugL8'
export const PEER_B = '12D3KooWHvyu6cEE8Nz2bkUtoiHNUzTNGQZ7c7vbr5LgiGu1ivsz'

/** An in-memory DHT: records by owner and name, providers by name, peers it can find. */
export class FakeDht implements NodeDht {
  readonly records = new Map<string, SignedRecordResult>()
  readonly providers = new Map<string, Provider[]>()
  readonly peers = new Map<string, FoundPeer>()
  /** The options of every query, in order. */
  readonly queries: Array<DhtQueryOptions & { ttlMs?: number, limit?: number }> = []
  /** Runs before every query: throw a typed error, or wait for the abort signal. */
  onQuery: ((options: DhtQueryOptions) => Promise<void>) | undefined
  statusReport: DhtStatus = { mode: 'server', protocol: '/meshwork/default/kad/1.0.0', routingTableSize: 2, diversityRefusals: 0, invalidRecords: 0 }

  constructor (readonly self = PEER_A, readonly now = 1_700_000_000_000) {}

  async put (name: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    await this.query(options)
    const sequence = (this.records.get(`${this.self}/${name}`)?.sequence ?? 0n) + 1n
    this.records.set(`${this.self}/${name}`, {
      owner: this.self, name, value, sequence, expiresAt: this.now + (options.ttlMs ?? 86_400_000), queried: 2, hops: 1
    })
    return { key: `/mw-signed/${this.self}/${name}`, sequence, storedAt: [PEER_B] }
  }

  async get (owner: string, name: string, options: DhtQueryOptions = {}): Promise<SignedRecordResult> {
    await this.query(options)
    const record = this.records.get(`${owner}/${name}`)
    if (record === undefined) throw new RecordNotFoundError(`no valid record for /mw-signed/${owner}/${name}`)
    return record
  }

  async provide (what: Parameters<NodeDht['provide']>[0], options: DhtQueryOptions = {}): Promise<{ cid: string }> {
    await this.query(options)
    const name = String(what)
    this.providers.set(name, [...(this.providers.get(name) ?? []), { id: this.self, addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${this.self}`] }])
    return { cid: `bafkfake${name}` }
  }

  async findProviders (what: Parameters<NodeDht['findProviders']>[0], options: DhtQueryOptions & { limit?: number } = {}): Promise<Provider[]> {
    await this.query(options)
    return (this.providers.get(String(what)) ?? []).slice(0, options.limit ?? 20)
  }

  async findPeer (peer: string, options: DhtQueryOptions = {}): Promise<FoundPeer> {
    await this.query(options)
    const found = this.peers.get(peer)
    if (found === undefined) throw new PeerNotFoundError(`no peer in the DHT knows ${peer}`)
    return found
  }

  status (): DhtStatus {
    return this.statusReport
  }

  private async query (options: DhtQueryOptions): Promise<void> {
    this.queries.push(options)
    await this.onQuery?.(options)
  }
}

/** A member as the membership reports it; `stateChangedAt` is a clock time (see `toEpochMs`). */
export function member (id: string, state: MemberInfo['state'], extra: Partial<MemberInfo> = {}): MemberInfo {
  return {
    id,
    state,
    incarnation: 1,
    addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${id}`],
    metadata: { roles: [], tags: {} },
    stateChangedAt: 1000,
    ...extra
  }
}

/** A membership whose members, status and events the test sets. */
export class FakeMembership implements NodeMembership {
  memberList: MemberInfo[]
  statusValue: MembershipStatus = 'HEALTHY'
  localHealthScore = 0
  leaves = 0
  /** Replaces leave's behaviour (to throw, or to wait for the abort signal). */
  onLeave: ((options?: AbortOptions) => Promise<void>) | undefined
  private readonly listeners = new Set<(event: MembershipEvent) => void>()

  constructor (readonly self = PEER_A) {
    this.memberList = [member(self, 'alive', { metadata: { region: 'eu', roles: ['seed'], tags: { rack: 'r1' } } }), member(PEER_B, 'alive')]
  }

  members (): MemberInfo[] { return this.memberList }
  status (): MembershipStatus { return this.statusValue }
  localHealth (): number { return this.localHealthScore }

  onEvent (listener: (event: MembershipEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  emit (event: MembershipEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  async leave (options?: AbortOptions): Promise<void> {
    this.leaves++
    await this.onLeave?.(options)
  }
}

export interface PublishedMessage { topic: string, data: Uint8Array, signal?: AbortSignal }

/** Topic pub/sub in memory: handlers by topic, publishes recorded, messages delivered by the test. */
export class FakePubSub implements NodePubSub {
  readonly published: PublishedMessage[] = []
  readonly handlers = new Map<string, PubSubHandler[]>()
  /** What `subscribers(topic)` answers, and whom `publish` hands messages to. */
  readonly subscriberLists = new Map<string, string[]>()
  /** Runs before every publish: throw a typed error, or wait for the abort signal. */
  onPublish: ((topic: string, data: Uint8Array, signal?: AbortSignal) => Promise<void>) | undefined

  subscribe (topic: string, handler: PubSubHandler): () => void {
    checkTopic(topic)
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler])
    return () => {
      const rest = (this.handlers.get(topic) ?? []).filter(entry => entry !== handler)
      if (rest.length === 0) this.handlers.delete(topic)
      else this.handlers.set(topic, rest)
    }
  }

  async publish (topic: string, data: Uint8Array, options?: AbortOptions): Promise<PublishResult> {
    checkTopic(topic)
    await this.onPublish?.(topic, data, options?.signal)
    this.published.push({ topic, data, ...(options?.signal !== undefined ? { signal: options.signal } : {}) })
    return { id: `${PEER_A}/${this.published.length}`, recipients: this.subscribers(topic) }
  }

  subscribers (topic: string): string[] {
    checkTopic(topic)
    return this.subscriberLists.get(topic) ?? []
  }

  /** Handlers subscribed to the topic. */
  subscriptions (topic: string): number {
    return this.handlers.get(topic)?.length ?? 0
  }

  /** Hands a message to the topic's handlers, as a received one would be. */
  deliver (topic: string, data: Uint8Array | string, extra: Partial<PubSubMessage> = {}): void {
    const message: PubSubMessage = {
      topic,
      origin: PEER_B,
      from: PEER_B,
      id: `${PEER_B}/1`,
      data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
      ...extra
    }
    for (const handler of [...(this.handlers.get(topic) ?? [])]) handler(message)
  }
}

function checkTopic (topic: string): void {
  if (topic.length === 0 || topic.length > 256) throw new TopicNameError(`a topic is 1 to 256 bytes, got ${topic.length}`)
}

/** One KV request as the fake store saw it. */
export interface KvRequest {
  op: 'get' | 'put' | 'cas' | 'delete'
  key: string
  options: KvReadOptions & KvWriteOptions
}

/**
 * A replicated KV store in memory: revisions count up from 1 with every write, a compare-and-set
 * compares bytes. `onRequest` runs before each request: throw Raft's typed errors with it, or
 * wait for the abort signal.
 */
export class FakeKv implements ReplicatedKv {
  readonly entries = new Map<string, KvEntry>()
  readonly requests: KvRequest[] = []
  revision = 0
  onRequest: ((request: KvRequest) => Promise<void>) | undefined
  private seq = 0

  newRequest (): RequestId {
    return { client: 'fake', seq: ++this.seq }
  }

  async get (key: string, options: KvReadOptions = {}): Promise<KvEntry | undefined> {
    await this.request({ op: 'get', key, options })
    return this.entries.get(key)
  }

  async put (key: string, value: Uint8Array, options: KvWriteOptions = {}): Promise<KvResult> {
    await this.request({ op: 'put', key, options })
    return this.write('put', key, value, true)
  }

  async cas (key: string, expected: Uint8Array | undefined, value: Uint8Array, options: KvWriteOptions = {}): Promise<KvResult> {
    await this.request({ op: 'cas', key, options })
    const current = this.entries.get(key)?.value
    const matches = expected === undefined ? current === undefined : current !== undefined && Buffer.from(current).equals(expected)
    return this.write('cas', key, value, matches)
  }

  async delete (key: string, options: KvWriteOptions = {}): Promise<KvResult> {
    await this.request({ op: 'delete', key, options })
    return this.write('delete', key, undefined, true)
  }

  /** Sets a key directly, as an earlier write would have. */
  seed (key: string, value: Uint8Array | string): KvEntry {
    this.write('put', key, typeof value === 'string' ? new TextEncoder().encode(value) : value, true)
    return this.entries.get(key) as KvEntry
  }

  private write (op: KvResult['op'], key: string, value: Uint8Array | undefined, apply: boolean): KvResult {
    const previous = this.entries.get(key)
    const revision = ++this.revision
    if (apply && value === undefined) this.entries.delete(key)
    if (apply && value !== undefined) {
      this.entries.set(key, { key, value, modRevision: revision, createRevision: previous?.createRevision ?? revision })
    }
    return { op, key, request: { client: 'fake-client', seq: revision }, revision, succeeded: apply, previous }
  }

  private async request (request: KvRequest): Promise<void> {
    this.requests.push(request)
    await this.onRequest?.(request)
  }
}

/** A control group as `status()` reports it; a leader of three voters unless `extra` says otherwise. */
export function groupStatus (id: string, extra: Partial<GroupStatus> = {}): GroupStatus {
  return {
    group: 'control',
    id,
    role: 'leader',
    leader: id,
    term: 3,
    commit: 12,
    applied: 12,
    lastIndex: 12,
    voters: [id, PEER_B, '12D3KooWVoterC'],
    learners: [],
    outgoing: [],
    quorumActive: true,
    ...extra
  }
}

/** A consensus service whose status the test sets, over a `FakeKv`. */
export class FakeConsensus implements NodeConsensus {
  readonly kv = new FakeKv()
  statusReport: ConsensusStatus
  readyCalls = 0
  /** Replaces ready's behaviour (to never resolve, or to throw). */
  onReady: ((options?: AbortOptions) => Promise<void>) | undefined

  constructor (readonly self = PEER_A) {
    this.statusReport = { id: self, groups: [groupStatus(self)] }
  }

  status (): ConsensusStatus {
    return this.statusReport
  }

  async ready (options?: AbortOptions): Promise<void> {
    this.readyCalls++
    await this.onReady?.(options)
  }
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
