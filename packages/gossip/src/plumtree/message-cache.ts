import type { Clock } from '@meshwork/core-mesh'

/** What a node keeps about a message it received or originated. */
export interface CachedMessage {
  id: string
  origin: string
  /** Hops the copy we hold travelled (0 at the origin). */
  hops: number
  /** The neighbour our copy came from; undefined at the origin. */
  parent: string | undefined
  /** Our copy was pulled by a GRAFT somewhere on its way (see `GossipMessage.grafted`). */
  grafted: boolean
  /** Dropped after the payload TTL; the id is remembered longer. */
  payload: Uint8Array | undefined
  receivedAt: number
}

export interface MessageCacheInit {
  clock: Clock
  payloadTtlMs: number
  seenTtlMs: number
  maxEntries: number
}

/**
 * Received message ids with their payloads: payloads answer GRAFTs for `payloadTtlMs`; ids
 * recognise duplicates for `seenTtlMs`. Memory is bounded by `maxEntries` (oldest first).
 * Entries are added in time order, so expiry only ever looks at the front: no timers.
 */
export class MessageCache {
  private readonly entries = new Map<string, CachedMessage>()
  /** Entries whose payload is still held, oldest first; `payloadHead` is the first live index. */
  private withPayload: CachedMessage[] = []
  private payloadHead = 0

  constructor (private readonly init: MessageCacheInit) {}

  /** Remember a message; false (and nothing changes) when its id is already known. */
  add (message: Omit<CachedMessage, 'receivedAt'>): boolean {
    this.expire()
    if (this.entries.has(message.id)) return false
    const entry: CachedMessage = { ...message, receivedAt: this.init.clock.now() }
    this.entries.set(message.id, entry)
    if (entry.payload !== undefined) this.withPayload.push(entry)
    if (this.entries.size > this.init.maxEntries) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, CachedMessage]
      oldest.payload = undefined
      this.entries.delete(oldestId)
    }
    return true
  }

  has (id: string): boolean {
    this.expire()
    return this.entries.has(id)
  }

  get (id: string): CachedMessage | undefined {
    this.expire()
    return this.entries.get(id)
  }

  get size (): number {
    return this.entries.size
  }

  private expire (): void {
    const now = this.init.clock.now()
    for (const [id, entry] of this.entries) {
      if (now - entry.receivedAt < this.init.seenTtlMs) break
      this.entries.delete(id)
    }
    while (this.payloadHead < this.withPayload.length) {
      const entry = this.withPayload[this.payloadHead]
      if (now - entry.receivedAt < this.init.payloadTtlMs) break
      entry.payload = undefined
      this.payloadHead++
    }
    if (this.payloadHead > 1024 && this.payloadHead * 2 > this.withPayload.length) {
      this.withPayload = this.withPayload.slice(this.payloadHead)
      this.payloadHead = 0
    }
  }
}
