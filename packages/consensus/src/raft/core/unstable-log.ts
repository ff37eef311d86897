import type { Entry, Snapshot } from './types.js'

/**
 * The tail of the log that the host has not yet made durable: entries and, at most, one
 * snapshot received from the leader. `entries[i]` has index `offset + i`.
 *
 * Entries are handed to the host in a `Ready` (`inProgress` marks how far) and dropped here once
 * the host confirms them with `stableTo`. A leader change can replace a suffix that is already in
 * the host's hands; `inProgress` then moves back so the replacement is handed out too.
 */
export class UnstableLog {
  snapshot: Snapshot | undefined = undefined
  /** Whether `snapshot` was already handed to the host. */
  snapshotInProgress = false
  entries: Entry[] = []
  /** Index of `entries[0]`. */
  offset: number
  /** Entries below this index were handed to the host; the rest are new. */
  inProgress: number

  constructor (offset: number) {
    this.offset = offset
    this.inProgress = offset
  }

  /** The first index this log knows about, only when it holds a snapshot. */
  maybeFirstIndex (): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1
  }

  /** The last index held here, if any. */
  maybeLastIndex (): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1
    return this.snapshot?.metadata.index
  }

  /** The term of `index`, if this log knows it. */
  maybeTerm (index: number): number | undefined {
    if (index < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === index) return this.snapshot.metadata.term
      return undefined
    }
    const position = index - this.offset
    if (position >= this.entries.length) return undefined
    return this.entries[position].term
  }

  /** The entries not yet handed to the host. */
  nextEntries (): Entry[] {
    const from = this.inProgress - this.offset
    return from >= this.entries.length ? [] : this.entries.slice(from)
  }

  hasNextEntries (): boolean {
    return this.inProgress - this.offset < this.entries.length
  }

  /** Everything currently held was handed to the host. */
  acceptInProgress (): void {
    if (this.entries.length > 0) this.inProgress = this.offset + this.entries.length
    if (this.snapshot !== undefined) this.snapshotInProgress = true
  }

  /**
   * The host made entries up to `index` (of term `term`) durable. Ignored when that entry has
   * since been replaced (a different term), or is not held here.
   */
  stableTo (index: number, term: number): void {
    const held = this.maybeTerm(index)
    if (held === undefined || held !== term || index < this.offset) return
    const count = index + 1 - this.offset
    if (count >= this.entries.length) this.entries = []
    else this.entries.splice(0, count)
    this.offset = index + 1
    this.inProgress = Math.max(this.inProgress, this.offset)
  }

  /** The host made the snapshot at `index` durable. */
  stableSnapshotTo (index: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) {
      this.snapshot = undefined
      this.snapshotInProgress = false
    }
  }

  /** Replace everything with a snapshot received from the leader. */
  restore (snapshot: Snapshot): void {
    this.offset = snapshot.metadata.index + 1
    this.inProgress = this.offset
    this.entries = []
    this.snapshot = snapshot
    this.snapshotInProgress = false
  }

  /**
   * Append `entries`, which follow index `entries[0].index - 1` of the whole log, dropping any
   * suffix held here that they replace.
   */
  truncateAndAppend (entries: readonly Entry[]): void {
    const from = entries[0].index
    if (from === this.offset + this.entries.length) {
      for (const entry of entries) this.entries.push(entry)
    } else if (from <= this.offset) {
      this.offset = from
      this.entries = entries.slice()
    } else {
      this.entries.length = from - this.offset
      for (const entry of entries) this.entries.push(entry)
    }
    this.inProgress = Math.min(this.inProgress, from)
  }

  /** Entries [lo, hi), all of which must be held here. */
  slice (lo: number, hi: number): Entry[] {
    return this.entries.slice(lo - this.offset, hi - this.offset)
  }
}
