import type { Clock, RandomSource, TimerHandle } from '@meshwork/core-mesh'

/**
 * The first timer for a missing message waits `ihaveTimeoutMs` times 1 to 1 + this. Nodes of a
 * subtree cut off from the tree hear the IHAVEs at about the same moment; spreading their
 * timers lets the first one's repair reach the others before they graft links of their own.
 */
const IHAVE_TIMEOUT_SPREAD = 0.5

/** A lazy peer that announced a message we lack. */
export interface Announcer {
  peer: string
  round: number
}

interface MissingEntry {
  announcers: Announcer[]
  timer: TimerHandle
  grafts: number
}

export interface MissingMessagesInit {
  clock: Clock
  random: RandomSource
  ihaveTimeoutMs: number
  graftTimeoutMs: number
  maxGrafts: number
  maxEntries: number
  /** Most entries one peer may be an announcer of; its further announcements are ignored. */
  maxPerAnnouncer: number
  /** Most ids in one GRAFT. */
  maxIdsPerGraft: number
  /** Ask `peer` for the messages `ids` (send it a GRAFT). Must not throw. */
  graft: (peer: string, ids: string[]) => void
}

/**
 * Messages announced to us by IHAVE that we have not received (the paper's `missing` set and
 * its timers). The first announcement starts a timer of `ihaveTimeoutMs` (spread a little at
 * random, see {@link IHAVE_TIMEOUT_SPREAD}), the eager path's
 * chance to deliver; when it fires the oldest announcer is grafted and a shorter timer of
 * `graftTimeoutMs` starts, after which the next announcer (round robin, so a lone announcer is
 * retried after a lost GRAFT) is grafted, up to `maxGrafts` times.
 *
 * A GRAFT asks the chosen peer for every missing message it announced, not only the one whose
 * timer fired. A node cut off from the tree usually misses several messages at once; fetching
 * them all over the one new link (and forwarding them down its subtree) keeps its neighbours
 * from each grafting a link of their own, which would form cycles that later prunes cut again.
 */
export class MissingMessages {
  private readonly entries = new Map<string, MissingEntry>()
  /** Per peer, how many entries list it as an announcer. */
  private readonly perAnnouncer = new Map<string, number>()

  constructor (private readonly init: MissingMessagesInit) {}

  /** `peer` has message `id`, which it received at hop count `round`. */
  announce (id: string, peer: string, round: number): void {
    let entry = this.entries.get(id)
    if (entry?.announcers.some(a => a.peer === peer) === true) return
    const count = this.perAnnouncer.get(peer) ?? 0
    if (count >= this.init.maxPerAnnouncer) return
    if (entry === undefined) {
      if (this.entries.size >= this.init.maxEntries) return
      const wait = this.init.ihaveTimeoutMs * (1 + IHAVE_TIMEOUT_SPREAD * this.init.random.next())
      entry = { announcers: [], grafts: 0, timer: this.init.clock.setTimeout(() => { this.expire(id) }, wait) }
      this.entries.set(id, entry)
    }
    entry.announcers.push({ peer, round })
    this.perAnnouncer.set(peer, count + 1)
  }

  /** The message arrived: stop waiting for it. Returns who had announced it. */
  received (id: string): Announcer[] {
    const entry = this.entries.get(id)
    if (entry === undefined) return []
    this.init.clock.clearTimeout(entry.timer)
    this.drop(id, entry)
    return entry.announcers
  }

  /** `peer` left: it will not answer a GRAFT. */
  removePeer (peer: string): void {
    if (!this.perAnnouncer.delete(peer)) return
    for (const entry of this.entries.values()) {
      const index = entry.announcers.findIndex(a => a.peer === peer)
      if (index >= 0) entry.announcers.splice(index, 1)
    }
  }

  /** How many missing messages `peer` is an announcer of. */
  announcedBy (peer: string): number {
    return this.perAnnouncer.get(peer) ?? 0
  }

  has (id: string): boolean {
    return this.entries.has(id)
  }

  get size (): number {
    return this.entries.size
  }

  stop (): void {
    for (const entry of this.entries.values()) this.init.clock.clearTimeout(entry.timer)
    this.entries.clear()
    this.perAnnouncer.clear()
  }

  private drop (id: string, entry: MissingEntry): void {
    this.entries.delete(id)
    for (const { peer } of entry.announcers) {
      const count = (this.perAnnouncer.get(peer) ?? 0) - 1
      if (count > 0) this.perAnnouncer.set(peer, count)
      else this.perAnnouncer.delete(peer)
    }
  }

  private expire (id: string): void {
    const entry = this.entries.get(id)
    if (entry === undefined) return
    const next = entry.announcers[0]
    if (next === undefined || entry.grafts >= this.init.maxGrafts) {
      this.drop(id, entry)
      return
    }
    // The id whose timer fired comes first, so that the cap never leaves it out.
    const candidates: Array<[string, MissingEntry]> = [[id, entry], ...[...this.entries].filter(([otherId]) => otherId !== id)]
    const ids: string[] = []
    for (const [otherId, other] of candidates) {
      if (ids.length === this.init.maxIdsPerGraft) break
      const index = other.announcers.findIndex(a => a.peer === next.peer)
      // Others join the batch only while in their first wait: a grafted one awaits its answer.
      if (index < 0 || (otherId !== id && other.grafts > 0)) continue
      // The grafted peer goes to the back: the next timeout tries someone else first.
      other.announcers.push(...other.announcers.splice(index, 1))
      other.grafts++
      this.init.clock.clearTimeout(other.timer)
      other.timer = this.init.clock.setTimeout(() => { this.expire(otherId) }, this.init.graftTimeoutMs)
      ids.push(otherId)
    }
    this.init.graft(next.peer, ids)
  }
}
