import { LogCompactedError, LogUnavailableError } from '../errors.js'
import { prefixWithinBytes } from '../raft/core/entry-size.js'
import { EMPTY_CONF_STATE } from '../raft/core/conf-state.js'
import type { LogStorage } from '../raft/core/log-storage.js'
import type { ConfState, Entry, HardState, Snapshot } from '../raft/core/types.js'

/** What a {@link MemoryLogStorage} starts from; everything is optional (an empty, fresh log). */
export interface MemoryLogStorageInit {
  readonly hardState?: HardState
  /** The configuration `initialState` reports; defaults to the snapshot's, else empty. */
  readonly confState?: ConfState
  /** The log starts right after this snapshot. */
  readonly snapshot?: Snapshot
}

const EMPTY_DATA = new Uint8Array(0)

/**
 * A {@link LogStorage} held in memory, in the manner of etcd-io/raft's `MemoryStorage`. The host
 * writes what each `Ready` asks for (`applySnapshot`, `append`, `setHardState`) and the core
 * reads it back. Durable storages keep one of these as their in-memory view and write it through.
 *
 * Layout: the entries after `offsetIndex` are kept in an array; `offsetIndex` / `offsetTerm`
 * name the last entry dropped (the snapshot's, or the last compacted one), so that `term` still
 * answers for it. Appends at the end are amortised O(1); a conflicting append truncates in place.
 */
export class MemoryLogStorage implements LogStorage {
  private hardState: HardState
  private confState: ConfState
  private latestSnapshot: Snapshot
  private offsetIndex: number
  private offsetTerm: number
  private log: Entry[] = []

  constructor (init: MemoryLogStorageInit = {}) {
    this.latestSnapshot = init.snapshot ?? {
      metadata: { index: 0, term: 0, confState: init.confState ?? EMPTY_CONF_STATE },
      data: EMPTY_DATA
    }
    this.offsetIndex = this.latestSnapshot.metadata.index
    this.offsetTerm = this.latestSnapshot.metadata.term
    this.confState = init.confState ?? this.latestSnapshot.metadata.confState
    this.hardState = init.hardState ?? { term: 0, vote: '', commit: this.offsetIndex }
  }

  initialState (): { hardState: HardState, confState: ConfState } {
    return { hardState: this.hardState, confState: this.confState }
  }

  firstIndex (): number {
    return this.offsetIndex + 1
  }

  lastIndex (): number {
    return this.offsetIndex + this.log.length
  }

  term (index: number): number {
    if (index < this.offsetIndex) throw new LogCompactedError(`entry ${index} was compacted (first index ${this.firstIndex()})`)
    if (index > this.lastIndex()) throw new LogUnavailableError(`entry ${index} is beyond the last index ${this.lastIndex()}`)
    if (index === this.offsetIndex) return this.offsetTerm
    return this.log[index - this.offsetIndex - 1].term
  }

  entries (lo: number, hi: number, maxBytes = Infinity): Entry[] {
    if (lo <= this.offsetIndex) throw new LogCompactedError(`entry ${lo} was compacted (first index ${this.firstIndex()})`)
    if (hi > this.lastIndex() + 1) throw new LogUnavailableError(`entries up to ${hi - 1} asked for, the last index is ${this.lastIndex()}`)
    if (lo >= hi) return []
    const from = lo - this.offsetIndex - 1
    const to = hi - this.offsetIndex - 1
    const count = maxBytes === Infinity ? to - from : prefixWithinBytes(this.log, maxBytes, from, to)
    return this.log.slice(from, from + count)
  }

  snapshot (): Snapshot {
    return this.latestSnapshot
  }

  /** Record the term, vote and commit index to report from `initialState`. */
  setHardState (hardState: HardState): void {
    this.hardState = hardState
  }

  /** Record the membership configuration to report from `initialState` (the applied one). */
  setConfState (confState: ConfState): void {
    this.confState = confState
  }

  /**
   * Append entries, replacing any suffix of the log they conflict with. Entries at or below the
   * compaction point are skipped. Throws `LogUnavailableError` when the first entry would leave a
   * gap after the last index, and `RangeError` when the entries themselves are not consecutive.
   */
  append (entries: readonly Entry[]): void {
    if (entries.length === 0) return
    const first = entries[0].index
    for (let i = 1; i < entries.length; i++) {
      if (entries[i].index !== first + i) throw new RangeError(`entries to append are not consecutive at index ${entries[i].index}`)
    }
    if (first > this.lastIndex() + 1) {
      throw new LogUnavailableError(`appending at ${first} would leave a gap after the last index ${this.lastIndex()}`)
    }
    const last = first + entries.length - 1
    if (last <= this.offsetIndex) return
    const skip = Math.max(0, this.offsetIndex + 1 - first)
    const position = first + skip - this.offsetIndex - 1
    if (position < this.log.length) this.log.length = position
    for (let i = skip; i < entries.length; i++) this.log.push(entries[i])
  }

  /**
   * Replace the whole log with `snapshot` (a snapshot received from the leader). Its
   * configuration becomes the one `initialState` reports. Throws `LogCompactedError` when it is
   * older than the snapshot already held.
   */
  applySnapshot (snapshot: Snapshot): void {
    if (snapshot.metadata.index < this.latestSnapshot.metadata.index) {
      throw new LogCompactedError(`snapshot at ${snapshot.metadata.index} is older than the one held at ${this.latestSnapshot.metadata.index}`)
    }
    this.latestSnapshot = snapshot
    this.offsetIndex = snapshot.metadata.index
    this.offsetTerm = snapshot.metadata.term
    this.log = []
    this.confState = snapshot.metadata.confState
  }

  /**
   * Make the snapshot that the leader sends to followers that fell behind, from the state machine's
   * state as of `index` (which the host has applied). Entries are kept; `compact` drops them.
   * Throws `LogCompactedError` when `index` is below the current snapshot, `LogUnavailableError`
   * when it is beyond the last index.
   */
  createSnapshot (index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index < this.latestSnapshot.metadata.index) {
      throw new LogCompactedError(`snapshot index ${index} is below the current snapshot at ${this.latestSnapshot.metadata.index}`)
    }
    if (index > this.lastIndex()) throw new LogUnavailableError(`snapshot index ${index} is beyond the last index ${this.lastIndex()}`)
    this.latestSnapshot = { metadata: { index, term: this.term(index), confState }, data }
    return this.latestSnapshot
  }

  /**
   * Drop the entries up to and including `index`; `term(index)` still answers. Compacting at or
   * below the current compaction point does nothing. `index` must not pass the latest snapshot
   * (`RangeError`): a follower that needed the dropped entries could then never catch up.
   */
  compact (index: number): void {
    if (index <= this.offsetIndex) return
    if (index > this.latestSnapshot.metadata.index) {
      throw new RangeError(`cannot compact to ${index}: the latest snapshot is at ${this.latestSnapshot.metadata.index}`)
    }
    if (index > this.lastIndex()) throw new LogUnavailableError(`compaction index ${index} is beyond the last index ${this.lastIndex()}`)
    const term = this.term(index)
    this.log.splice(0, index - this.offsetIndex)
    this.offsetIndex = index
    this.offsetTerm = term
  }
}
