import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PEERS_FILE, RTT_EWMA_ALPHA } from './constants.js'
import { CorruptStateError } from './errors.js'
import { writeFileDurably } from './identity.js'
import type { RandomSource } from './interfaces/clock.js'
import type { PeerIdString, PeerRecord, PeerRegistryView, PeerStatus } from './interfaces/peer.js'

/** How many peers the registry keeps; the least recently seen are evicted beyond it. */
export const MAX_REGISTRY_PEERS = 10_000
const MAX_ADDRESSES_PER_PEER = 16

interface PersistedPeers {
  version: 1
  peers: Array<Pick<PeerRecord, 'id' | 'addresses' | 'lastSeen' | 'reputation' | 'tags' | 'region'>>
}

/**
 * Everything the node knows about its peers. Plugins get the read-only view; the node and
 * its link monitor write. Persisted (addresses, last seen, reputation, tags) so that a
 * restarted node reconnects to the peers it knew.
 */
export class PeerRegistry implements PeerRegistryView {
  private readonly peers = new Map<PeerIdString, PeerRecord>()
  private dirty = false

  constructor (
    private readonly random: RandomSource,
    private readonly wallClock: () => number = Date.now
  ) {}

  get size (): number {
    return this.peers.size
  }

  get (id: PeerIdString): PeerRecord | undefined {
    return this.peers.get(id)
  }

  list (): PeerRecord[] {
    return [...this.peers.values()]
  }

  sample (k: number, filter?: (peer: PeerRecord) => boolean): PeerRecord[] {
    const pool = filter === undefined ? this.list() : this.list().filter(filter)
    const count = Math.min(Math.max(0, Math.floor(k)), pool.length)
    // Partial Fisher–Yates: only the first `count` positions are shuffled.
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(this.random.next() * (pool.length - i))
      const swap = pool[i]
      pool[i] = pool[j]
      pool[j] = swap
    }
    return pool.slice(0, count)
  }

  /** Add a peer or merge new addresses into it; returns the record. */
  upsert (id: PeerIdString, addresses: readonly string[] = []): PeerRecord {
    let record = this.peers.get(id)
    if (record === undefined) {
      if (this.peers.size >= MAX_REGISTRY_PEERS) this.evictOne()
      record = {
        id,
        addresses: [],
        status: 'known',
        traffic: { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 },
        reputation: 0,
        tags: []
      }
      this.peers.set(id, record)
      this.dirty = true
    }
    if (addresses.length > 0) {
      const merged = [...addresses, ...record.addresses.filter(a => !addresses.includes(a))].slice(0, MAX_ADDRESSES_PER_PEER)
      if (merged.join() !== record.addresses.join()) {
        record.addresses = merged
        this.dirty = true
      }
    }
    return record
  }

  setStatus (id: PeerIdString, status: PeerStatus): PeerStatus | undefined {
    const record = this.upsert(id)
    const previous = record.status
    record.status = status
    if (status === 'connected') {
      record.connectedAt = this.wallClock()
      this.seen(id)
    } else if (previous === 'connected') {
      record.connectedAt = undefined
    }
    return previous
  }

  seen (id: PeerIdString): void {
    const record = this.peers.get(id)
    if (record !== undefined) record.lastSeen = this.wallClock()
  }

  /** Fold an RTT sample into the EWMA; returns the smoothed value. */
  recordRtt (id: PeerIdString, sampleMs: number): number {
    const record = this.upsert(id)
    record.rttMs = record.rttMs === undefined ? sampleMs : record.rttMs + RTT_EWMA_ALPHA * (sampleMs - record.rttMs)
    record.lastSeen = this.wallClock()
    return record.rttMs
  }

  recordIn (id: PeerIdString, bytes: number): void {
    const record = this.peers.get(id)
    if (record === undefined) return
    record.traffic.messagesIn++
    record.traffic.bytesIn += bytes
    record.lastSeen = this.wallClock()
  }

  recordOut (id: PeerIdString, bytes: number): void {
    const record = this.peers.get(id)
    if (record === undefined) return
    record.traffic.messagesOut++
    record.traffic.bytesOut += bytes
  }

  /** Set a peer's tags and region (e.g. from membership metadata); persisted. */
  setMetadata (id: PeerIdString, metadata: { tags?: readonly string[], region?: string }): PeerRecord {
    const record = this.upsert(id)
    if (metadata.tags !== undefined) record.tags = [...new Set(metadata.tags)]
    if (metadata.region !== undefined) record.region = metadata.region
    this.dirty = true
    return record
  }

  adjustReputation (id: PeerIdString, delta: number): number {
    const record = this.upsert(id)
    record.reputation += delta
    this.dirty = true
    return record.reputation
  }

  remove (id: PeerIdString): void {
    if (this.peers.delete(id)) this.dirty = true
  }

  /** Read the persisted registry; a missing file is an empty registry. */
  async load (dataDir: string): Promise<void> {
    const path = join(dataDir, PEERS_FILE)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    let parsed: PersistedPeers
    try {
      parsed = JSON.parse(text) as PersistedPeers
      if (parsed.version !== 1 || !Array.isArray(parsed.peers)) throw new Error('unknown layout')
    } catch (err) {
      throw new CorruptStateError(`${path} is not a Meshwork peer registry`, { cause: err })
    }
    for (const saved of parsed.peers) {
      if (typeof saved.id !== 'string' || !Array.isArray(saved.addresses)) continue
      const record = this.upsert(saved.id, saved.addresses.filter(a => typeof a === 'string'))
      record.lastSeen = typeof saved.lastSeen === 'number' ? saved.lastSeen : undefined
      record.reputation = typeof saved.reputation === 'number' ? saved.reputation : 0
      record.tags = Array.isArray(saved.tags) ? saved.tags.filter(t => typeof t === 'string') : []
      record.region = typeof saved.region === 'string' ? saved.region : undefined
    }
    this.dirty = false
  }

  /** Persist when something changed since the last save (fsync'd, atomic rename). */
  async save (dataDir: string, force = false): Promise<boolean> {
    if (!this.dirty && !force) return false
    this.dirty = false
    const persisted: PersistedPeers = {
      version: 1,
      peers: this.list()
        .filter(p => p.status !== 'left')
        .map(({ id, addresses, lastSeen, reputation, tags, region }) => ({ id, addresses, lastSeen, reputation, tags, region }))
    }
    await writeFileDurably(join(dataDir, PEERS_FILE), JSON.stringify(persisted), 0o600)
    return true
  }

  private evictOne (): void {
    let oldest: PeerRecord | undefined
    for (const record of this.peers.values()) {
      if (record.status === 'connected') continue
      if (oldest === undefined || (record.lastSeen ?? 0) < (oldest.lastSeen ?? 0)) oldest = record
    }
    if (oldest !== undefined) this.peers.delete(oldest.id)
  }
}
