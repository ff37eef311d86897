import { Record as DhtRecord, type QueryEvent } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { Key } from 'interface-datastore'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { NotStartedError, TypedEvents, type AbortOptions, type Logger, type MeshEvents, type PeerIdString, type PeerRegistryView, type TypedEventTarget } from '@meshwork/core-mesh'
import type { CID } from 'multiformats/cid'
import type { PrivateKey } from '@libp2p/interface'
import { InvalidKeyError, InvalidRecordError, PeerNotFoundError, QueryTimeoutError, RecordNotFoundError } from './errors.js'
import type { KadBinding, KadService } from './kad-binding.js'
import { contentCid, contentRecordKey, decodeKey, describeKey, encodeKey, namespaceOf, parseContentRecordKey, serviceCid, signedRecordKey } from './keys.js'
import type { ResolvedDhtOptions } from './options.js'
import { HopTracker, toProgressEvent, type DhtProgressEvent, type DhtProgressHandler } from './progress.js'
import { chooseMode, type DhtMode } from './reachability.js'
import { recordRules, type RecordRules } from './records/record-rules.js'
import { sequenceOf, signRecord, verifySignedRecord } from './records/signed-record.js'
import { RoutingTableGuard, type DiversityRefusal } from './routing-table-guard.js'
import { compareDistance, kadIdOfKey, kadIdOfPeer } from './xor.js'

/** Options every DHT query takes. */
export interface DhtQueryOptions extends AbortOptions {
  /** Called with each typed progress event as the query runs. */
  onProgress?: DhtProgressHandler
  /** Time limit for this query, in ms (default: the DHT's `queryTimeoutMs`). */
  timeoutMs?: number
}

/** Options of lookups that return a record. */
export interface GetOptions extends DhtQueryOptions {
  /**
   * End the lookup once this many peers returned a valid record, and return the newest of
   * those, instead of asking every peer on the way (default). Faster; a small quorum may miss
   * a newer sequence that only the closest peers hold yet.
   */
  quorum?: number
}

/** What a finished query reports besides its result. */
export interface QueryStats {
  /** Peers sent a query. */
  queried: number
  /** Hop of the peer that answered (see `DhtProgressEvent`); 0 when answered locally. */
  hops: number
}

export interface PutOptions extends DhtQueryOptions {
  /** Record lifetime in ms (default: the DHT's `defaultRecordTtlMs`). */
  ttlMs?: number
  /** Explicit sequence; default: one more than the newest this node or the DHT holds. */
  sequence?: bigint
}

export interface SignedRecordResult extends QueryStats {
  owner: PeerIdString
  name: string
  value: Uint8Array
  sequence: bigint
  expiresAt: number
}

export interface PutResult {
  key: string
  sequence: bigint
  /** Peers that confirmed they stored the record. */
  storedAt: PeerIdString[]
}

export interface FoundPeer extends QueryStats {
  id: PeerIdString
  addresses: string[]
}

export interface Provider {
  id: PeerIdString
  addresses: string[]
}

export interface DhtComponents {
  peerId: PeerIdString
  registry: PeerRegistryView
  events: TypedEventTarget<MeshEvents>
  logger: Logger
}

export interface DhtStatus {
  mode: DhtMode
  protocol: string
  routingTableSize: number
  diversityRefusals: number
  invalidRecords: number
}

/** Events a {@link MeshDht} emits. */
export interface DhtEvents {
  /** A record was refused (asked to store it, or received in a lookup); `error` says why. */
  'record:rejected': { key: string, error: Error }
  /** The routing table refused a peer: an address-diversity cap was reached. */
  'diversity:refused': DiversityRefusal
  /** The node switched between DHT client and server mode. */
  'mode': { mode: DhtMode }
}

const SEQUENCE_LOOKUP_MS = 5_000
const RECORD_PREFIX = '/dht/record'

/**
 * The DHT of a mesh node: signed mutable records, content-addressed records, providers, peer
 * lookup and closest peers, on `@libp2p/kad-dht`. Get it from a running node with
 * `node.service<MeshDht>('dht')`. Every query takes an AbortSignal, a time limit and an
 * `onProgress` handler for typed progress events.
 */
export class MeshDht extends TypedEvents<DhtEvents> {
  readonly rules: RecordRules
  private readonly log: Logger
  private readonly sequences = new Map<string, bigint>()
  private guard: RoutingTableGuard | undefined
  private lastRejection: Error | undefined
  private invalidRecords = 0
  private running = false
  private readonly onSelfUpdate = (): void => { void this.applyAutoMode() }

  constructor (
    private readonly binding: KadBinding,
    private readonly options: ResolvedDhtOptions,
    private readonly components: DhtComponents,
    rules: RecordRules
  ) {
    super()
    this.rules = rules
    this.log = components.logger.child({ component: 'dht' })
  }

  /** Validators and selectors for kad-dht, with the hooks this service needs. */
  static rulesFor (options: ResolvedDhtOptions, hooks: { held: (key: Uint8Array) => Promise<Uint8Array | undefined>, rejected: (key: string, error: Error) => void }): RecordRules {
    return recordRules({ maxValueBytes: options.maxValueBytes, maxLifetimeMs: options.maxRecordLifetimeMs, now: options.now, ...hooks })
  }

  async start (options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    if (this.running) return
    const { kad, components } = this.binding.require()
    this.running = true
    if (this.options.diversity !== false) {
      this.guard = new RoutingTableGuard(kad.routingTable, components.peerStore, this.components.peerId, this.options.diversity, (refusal) => { this.onDiversityRefusal(refusal) })
      await this.guard.install()
    }
    if (this.options.mode === 'auto') {
      components.events.addEventListener('self:peer:update', this.onSelfUpdate)
      await this.applyAutoMode()
    } else {
      await kad.setMode(this.options.mode)
    }
    // Seed the table from the registry. Peers known to speak this DHT's protocol go straight
    // in; the others are re-dialled by the mesh node, and kad-dht adds them once identify says
    // they speak it.
    for (const peer of this.components.registry.list()) {
      if (peer.status !== 'left') void this.seed(peer.id)
    }
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    const { components } = this.binding.require()
    components.events.removeEventListener('self:peer:update', this.onSelfUpdate)
    this.guard?.uninstall()
  }

  status (): DhtStatus {
    const { kad } = this.binding.require()
    return {
      mode: kad.getMode(),
      protocol: kad.protocol,
      routingTableSize: kad.routingTable.size,
      diversityRefusals: this.guard?.refusals ?? 0,
      invalidRecords: this.invalidRecords
    }
  }

  /** Peer ids in the routing table. */
  routingTablePeers (): PeerIdString[] {
    return [...this.binding.require().kad.routingTable.kb.toIterable()].map(p => p.peerId.toString())
  }

  // ---- signed mutable records ---------------------------------------------------------

  /**
   * Sign `value` as this node's record `name` and store it on the closest peers. The key is
   * `/mw-signed/<this peer id>/<name>`; the newest sequence wins everywhere.
   */
  async put (name: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const key = signedRecordKey(this.components.peerId, name)
    const sequence = options.sequence ?? (await this.currentSequence(name, key, options)) + 1n
    const { bytes } = await signRecord({
      privateKey: this.privateKey(),
      name,
      value,
      sequence,
      expiresAt: this.options.now() + (options.ttlMs ?? this.options.defaultRecordTtlMs)
    })
    await this.validate(key, bytes)
    const storedAt = await this.putRaw(key, bytes, options)
    this.sequences.set(name, sequence)
    return { key: decodeKey(key), sequence, storedAt }
  }

  /** The newest valid record `name` signed by `owner`; `RecordNotFoundError` when there is none. */
  async get (owner: PeerIdString, name: string, options: GetOptions = {}): Promise<SignedRecordResult> {
    const key = signedRecordKey(owner, name)
    const { value, stats } = await this.getRaw(key, options, { quorum: options.quorum })
    const record = await verifySignedRecord(key, value, this.options.now(), { maxValueBytes: this.options.maxValueBytes, maxLifetimeMs: this.options.maxRecordLifetimeMs })
    return { ...record, ...stats }
  }

  // ---- immutable content-addressed records --------------------------------------------

  /** Store `value` under its own CID (`/mw-content/<cid>`); anyone can check it. */
  async putContent (value: Uint8Array, options: DhtQueryOptions = {}): Promise<{ cid: string, key: string, storedAt: PeerIdString[] }> {
    const cid = await contentCid(value)
    const key = contentRecordKey(cid)
    await this.validate(key, value)
    const storedAt = await this.putRaw(key, value, options)
    return { cid: cid.toString(), key: decodeKey(key), storedAt }
  }

  async getContent (cid: string | CID, options: DhtQueryOptions = {}): Promise<{ value: Uint8Array } & QueryStats> {
    const key = typeof cid === 'string' ? encodeKey(`/mw-content/${cid}`) : contentRecordKey(cid)
    parseContentRecordKey(key)
    // immutable: any valid copy is the record, so the first one ends the lookup
    const local = await this.held(key)
    if (local !== undefined) {
      try {
        await this.validate(key, local)
        return { value: local, queried: 0, hops: 0 }
      } catch {}
    }
    const { value, stats } = await this.getRaw(key, options, { quorum: 1 })
    return { value, ...stats }
  }

  // ---- any namespace (e.g. the standard /pk/ records) ----------------------------------

  /** Get the best valid value under any key a validator knows (`/pk/…`, `/mw-signed/…`, …). */
  async getValue (key: string | Uint8Array, options: GetOptions = {}): Promise<{ value: Uint8Array } & QueryStats> {
    const { value, stats } = await this.getRaw(typeof key === 'string' ? encodeKey(key) : key, options, { quorum: options.quorum })
    return { value, ...stats }
  }

  /** Store a value under any key a validator knows; invalid values throw before anything is sent. */
  async putValue (key: string | Uint8Array, value: Uint8Array, options: DhtQueryOptions = {}): Promise<{ storedAt: PeerIdString[] }> {
    const bytes = typeof key === 'string' ? encodeKey(key) : key
    await this.validate(bytes, value)
    return { storedAt: await this.putRaw(bytes, value, options) }
  }

  // ---- providers -----------------------------------------------------------------------

  /** Announce that this node provides a service or topic (by name) or a CID. */
  async provide (what: string | CID, options: DhtQueryOptions = {}): Promise<{ cid: string }> {
    const cid = typeof what === 'string' ? await serviceCid(what) : what
    const { kad } = this.binding.require()
    await this.run(options, (signal) => kad.provide(cid, { signal }), () => {})
    return { cid: cid.toString() }
  }

  /** Peers that provide a service or topic (by name) or a CID; at most `limit` (default 20). */
  async findProviders (what: string | CID, options: DhtQueryOptions & { limit?: number } = {}): Promise<Provider[]> {
    const cid = typeof what === 'string' ? await serviceCid(what) : what
    const { kad } = this.binding.require()
    const limit = options.limit ?? 20
    const found = new Map<PeerIdString, Provider>()
    await this.run(options, (signal) => kad.findProviders(cid, { signal }), (event) => {
      if (event.name !== 'PROVIDER') return false
      for (const peer of event.providers) {
        const id = peer.id.toString()
        if (!found.has(id) && found.size < limit) found.set(id, { id, addresses: peer.multiaddrs.map(a => a.toString()) })
      }
      return found.size >= limit
    }, { allowTimeout: true })
    return [...found.values()]
  }

  // ---- peers ---------------------------------------------------------------------------

  /** A peer's addresses, from the DHT; `PeerNotFoundError` when no one knows it. */
  async findPeer (peer: PeerIdString, options: DhtQueryOptions = {}): Promise<FoundPeer> {
    const { kad } = this.binding.require()
    const target = parsePeerId(peer)
    let found: FoundPeer | undefined
    // kad-dht's findPeer throws its own NotFoundError when the lookup ends empty: that is our
    // PeerNotFoundError below, not a failure of the query
    const stats = await this.run(options, (signal) => endsOnNotFound(kad.findPeer(target, { signal })), (event, progress) => {
      if (event.name !== 'FINAL_PEER' || !event.peer.id.equals(target)) return false
      found = { id: peer, addresses: event.peer.multiaddrs.map(a => a.toString()), queried: 0, hops: progress?.hop ?? 0 }
      return true
    }, { allowTimeout: true })
    if (found === undefined) throw new PeerNotFoundError(`no peer in the DHT knows ${peer}`)
    return { ...found, queried: stats.queried }
  }

  /** The `count` (default k) peers closest to a key or peer id by XOR distance, closest first. */
  async closestPeers (key: string | Uint8Array, options: DhtQueryOptions & { count?: number } = {}): Promise<PeerIdString[]> {
    const { kad } = this.binding.require()
    const bytes = typeof key === 'string' ? encodeKey(key) : key
    const found = new Set<PeerIdString>()
    await this.run(options, (signal) => kad.getClosestPeers(bytes, { signal }), (event) => {
      if (event.name === 'FINAL_PEER') found.add(event.peer.id.toString())
      return false
    })
    const target = await kadIdOfKey(bytes)
    const ids = await Promise.all([...found].map(async id => ({ id, kadId: await kadIdOfPeer(id) })))
    ids.sort((a, b) => compareDistance(target, a.kadId, b.kadId))
    return ids.slice(0, options.count ?? this.options.kBucketSize).map(p => p.id)
  }

  // ---- internals -----------------------------------------------------------------------

  /** The kad-dht instance, for callers that need more than this API. */
  get kad (): KadService {
    return this.binding.require().kad
  }

  /** Called by the record rules for every refused record. */
  recordRejected (key: string, error: Error): void {
    this.invalidRecords++
    this.lastRejection = error
    this.log.debug({ key, error: error.name, message: error.message }, 'record refused')
    this.emit('record:rejected', { key, error })
  }

  /** The raw bytes this node's datastore holds for a key. */
  async held (key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      const { components } = this.binding.require()
      const raw = await components.datastore.get(new Key(`${RECORD_PREFIX}/${uint8ArrayToString(key, 'base32')}`, false))
      return DhtRecord.deserialize(raw).value
    } catch {
      return undefined
    }
  }

  private privateKey (): PrivateKey {
    return this.binding.require().components.privateKey
  }

  private async validate (key: Uint8Array, value: Uint8Array): Promise<void> {
    const namespace = namespaceOf(key)
    const validator = this.binding.require().kad.validators[namespace]
    if (validator === undefined) throw new InvalidRecordError(`no validator for the key namespace "${namespace}"`)
    await validator(key, value)
  }

  private async putRaw (key: Uint8Array, value: Uint8Array, options: DhtQueryOptions): Promise<PeerIdString[]> {
    const { kad } = this.binding.require()
    const storedAt = new Set<PeerIdString>()
    await this.run(options, (signal) => kad.put(key, value, { signal }), (event) => {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') storedAt.add(event.from.toString())
      return false
    })
    return [...storedAt]
  }

  /**
   * kad-dht's `get`: the best of every valid value found, once the lookup is over. With a
   * `quorum`, the lookup ends once that many peers returned a valid record (kad-dht has already
   * run the validator on records in responses; invalid ones arrive as errors instead), and the
   * newest of those wins.
   */
  private async getRaw (key: Uint8Array, options: DhtQueryOptions, behaviour: { quorum?: number } = {}): Promise<{ value: Uint8Array, stats: QueryStats }> {
    const deadline = Date.now() + (options.timeoutMs ?? this.options.queryTimeoutMs)
    let attempt = await this.lookupOnce(key, options, behaviour)
    // An empty answer is only conclusive when every peer asked did answer: one in which peers
    // failed (timeouts under load, resets) is tried once more within the same time limit.
    const remaining = deadline - Date.now()
    if (attempt.value === undefined && attempt.failures > 0 && remaining > 0) {
      this.log.debug({ key: describeKey(key), failures: attempt.failures }, 'lookup came back empty with peers failing: trying once more')
      attempt = await this.lookupOnce(key, { ...options, timeoutMs: remaining }, behaviour)
    }
    if (attempt.value === undefined) throw new RecordNotFoundError(`no valid record for ${describeKey(key)}`)
    return { value: attempt.value, stats: { queried: attempt.queried, hops: attempt.hop } }
  }

  /** One kad-dht `get`; see {@link getRaw}. */
  private async lookupOnce (key: Uint8Array, options: DhtQueryOptions, behaviour: { quorum?: number }): Promise<{ value?: Uint8Array, hop: number, queried: number, failures: number }> {
    const { kad } = this.binding.require()
    let value: Uint8Array | undefined
    let hop = 0
    let failures = 0
    const received: Array<{ value: Uint8Array, hop: number }> = []
    const stats = await this.run(options, (signal) => kad.get(key, { signal }), (event, progress) => {
      if (progress?.type === 'peer-failed') failures++
      if (event.name === 'VALUE') {
        value = event.value
        hop = event.from.equals(this.binding.require().components.peerId) ? 0 : progress?.hop ?? 1
      }
      if (behaviour.quorum !== undefined && event.name === 'PEER_RESPONSE' && event.record !== undefined) {
        received.push({ value: event.record.value, hop: progress?.hop ?? 1 })
        return received.length >= behaviour.quorum
      }
      return false
    })
    if (value === undefined && received.length > 0) {
      const namespace = namespaceOf(key)
      const best = received[await kad.selectors[namespace]?.(key, received.map(r => r.value)) ?? 0]
      value = best.value
      hop = best.hop
    }
    return { value, hop, queried: stats.queried, failures }
  }

  private async currentSequence (name: string, key: Uint8Array, options: AbortOptions): Promise<bigint> {
    let newest = this.sequences.get(name) ?? 0n
    const held = await this.held(key)
    const heldSequence = held === undefined ? undefined : sequenceOf(held)
    if (heldSequence !== undefined && heldSequence > newest) newest = heldSequence
    try {
      const found = await this.get(this.components.peerId, name, { signal: options.signal, timeoutMs: SEQUENCE_LOOKUP_MS })
      if (found.sequence > newest) newest = found.sequence
    } catch (err) {
      options.signal?.throwIfAborted()
      if (!(err instanceof RecordNotFoundError) && !(err instanceof QueryTimeoutError)) throw err
    }
    return newest
  }

  /**
   * Run one kad-dht query under the caller's signal and a time limit, turning its events into
   * typed progress events. `visit` returns true to end the query early.
   */
  private async run (
    options: DhtQueryOptions,
    query: (signal: AbortSignal) => AsyncIterable<QueryEvent>,
    visit: (event: QueryEvent, progress: DhtProgressEvent | undefined) => boolean | undefined | void,
    behaviour: { allowTimeout?: boolean } = {}
  ): Promise<QueryStats> {
    if (!this.running) throw new NotStartedError('the DHT is not started')
    options.signal?.throwIfAborted()
    const timeoutMs = options.timeoutMs ?? this.options.queryTimeoutMs
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal])
    const tracker = new HopTracker(this.components.peerId)
    let queried = 0
    try {
      for await (const event of query(signal)) {
        const progress = toProgressEvent(event, tracker, () => this.lastRejection)
        if (progress?.type === 'query-sent') queried++
        if (progress !== undefined) options.onProgress?.(progress)
        if (visit(event, progress) === true) break
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if (!timeout.aborted) throw err
      if (behaviour.allowTimeout !== true) throw new QueryTimeoutError(`DHT query did not finish within ${timeoutMs} ms`, { cause: err })
    }
    return { queried, hops: tracker.maxHop() }
  }

  private onDiversityRefusal (refusal: DiversityRefusal): void {
    this.log.debug({ ...refusal }, 'routing table refused a peer: address-diversity cap')
    this.emit('diversity:refused', refusal)
  }

  private async applyAutoMode (): Promise<void> {
    if (!this.running) return
    const { kad, components } = this.binding.require()
    const mode = chooseMode(components.addressManager.getAddresses().map(a => a.toString()), this.options.network)
    if (mode !== kad.getMode()) {
      this.log.info({ mode }, 'DHT mode changed')
      await kad.setMode(mode)
      this.emit('mode', { mode })
    }
  }

  private async seed (peer: PeerIdString): Promise<void> {
    if (!this.running || peer === this.components.peerId) return
    const { kad, components } = this.binding.require()
    try {
      const id = peerIdFromString(peer)
      const known = await components.peerStore.get(id)
      if (known.protocols.includes(kad.protocol)) kad.routingTable.queueRoutingTableUpdate(id)
    } catch {
      // not in the peer store yet: the mesh node dials it and identify brings it in
    }
  }
}

async function * endsOnNotFound<T> (source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield * source
  } catch (err) {
    if ((err as Error).name !== 'NotFoundError') throw err
  }
}

function parsePeerId (peer: PeerIdString): ReturnType<typeof peerIdFromString> {
  try {
    return peerIdFromString(peer)
  } catch (err) {
    throw new InvalidKeyError(`not a peer id: ${peer}`, { cause: err })
  }
}
