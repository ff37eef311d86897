import { LogCompactedError, LogUnavailableError } from '../../errors.js'
import { prefixWithinBudget, prefixWithinBytes, totalEntryBytes } from './entry-size.js'
import type { LogStorage } from './log-storage.js'
import type { Entry, Snapshot } from './types.js'
import { UnstableLog } from './unstable-log.js'

/** An index and term that a follower reports to help the leader find where their logs agree. */
export interface LogPosition {
  readonly index: number
  readonly term: number
}

/**
 * The whole log as the core sees it: the durable part in `LogStorage`, the unstable tail not yet
 * durable, and the committed and applied indexes.
 *
 * Indexes: `applied <= applying <= committed <= lastIndex()`. `applying` is how far committed
 * entries have been handed to the host; `applied` how far the host confirmed applying them.
 */
export class RaftLog {
  readonly unstable: UnstableLog
  committed: number
  applied: number
  applying: number

  constructor (readonly storage: LogStorage, private readonly maxApplyingBytes: number) {
    const firstIndex = storage.firstIndex()
    const lastIndex = storage.lastIndex()
    this.unstable = new UnstableLog(lastIndex + 1)
    this.committed = firstIndex - 1
    this.applied = firstIndex - 1
    this.applying = firstIndex - 1
  }

  firstIndex (): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex()
  }

  lastIndex (): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex()
  }

  lastTerm (): number {
    return this.term(this.lastIndex())
  }

  /**
   * The term of entry `index`. Throws `LogCompactedError` below `firstIndex() - 1` and
   * `LogUnavailableError` above `lastIndex()`.
   */
  term (index: number): number {
    const held = this.unstable.maybeTerm(index)
    if (held !== undefined) return held
    if (index < this.firstIndex() - 1) throw new LogCompactedError(`entry ${index} was compacted`)
    if (index > this.lastIndex()) throw new LogUnavailableError(`entry ${index} is beyond the last index ${this.lastIndex()}`)
    return this.storage.term(index)
  }

  /** The term of `index`, or undefined when it is compacted or not there yet. */
  termOrUndefined (index: number): number | undefined {
    const held = this.unstable.maybeTerm(index)
    if (held !== undefined) return held
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined
    try {
      return this.storage.term(index)
    } catch (err) {
      if (err instanceof LogCompactedError || err instanceof LogUnavailableError) return undefined
      throw err
    }
  }

  matchTerm (index: number, term: number): boolean {
    return this.termOrUndefined(index) === term
  }

  /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date as ours (Raft §5.4.1). */
  isUpToDate (lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm()
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex())
  }

  /**
   * Append `entries`, sent after (prevIndex, prevTerm), if our log has that entry. Returns the
   * index of the last new entry, or undefined when the log does not match at prevIndex. Entries
   * that conflict with ours replace our suffix from the first conflict on. The caller made sure
   * that no conflict can reach the committed prefix (prevIndex >= committed).
   */
  maybeAppend (prevIndex: number, prevTerm: number, commit: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined
    const lastNew = prevIndex + entries.length
    const conflict = this.findConflict(entries)
    if (conflict !== 0) {
      const skip = conflict - (prevIndex + 1)
      this.append(skip === 0 ? entries : entries.slice(skip))
    }
    this.commitTo(Math.min(commit, lastNew))
    return lastNew
  }

  /** Append entries at the end (or over an uncommitted suffix). Returns the new last index. */
  append (entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex()
    if (entries[0].index - 1 < this.committed) {
      throw new RangeError(`entry ${entries[0].index} would overwrite the committed prefix (committed ${this.committed})`)
    }
    this.unstable.truncateAndAppend(entries)
    return this.lastIndex()
  }

  /**
   * The index of the first of `entries` that is not in our log with the same term (0 when all
   * are). An entry past our last index counts as a conflict: it is new.
   */
  findConflict (entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index
    }
    return 0
  }

  /**
   * The last index at or below `index` whose term is at most `term`, with that term: where our log
   * may still agree with a log that has `term` at `index`. Terms never decrease along the log,
   * so this is a binary search. Term 0 in the answer means "unknown" (the position is compacted).
   */
  findConflictByTerm (index: number, term: number): LogPosition {
    const floor = this.firstIndex() - 1
    const top = Math.min(index, this.lastIndex())
    if (top < floor) return { index: top, term: 0 }
    const topTerm = this.term(top)
    if (topTerm <= term) return { index: top, term: topTerm }
    if (this.term(floor) > term) return { index: Math.max(0, floor - 1), term: 0 }
    let lo = floor
    let hi = top
    // invariant: term(lo) <= term < term(hi)
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2)
      if (this.term(mid) <= term) lo = mid
      else hi = mid
    }
    return { index: lo, term: this.term(lo) }
  }

  /** Entries [lo, hi), at most `maxBytes` of them (at least one). */
  slice (lo: number, hi: number, maxBytes = Infinity): Entry[] {
    if (lo >= hi) return []
    if (lo < this.firstIndex()) throw new LogCompactedError(`entry ${lo} was compacted`)
    if (hi > this.lastIndex() + 1) throw new LogUnavailableError(`entries up to ${hi - 1} asked for, the last index is ${this.lastIndex()}`)
    const unstableFrom = this.unstable.offset
    let result: Entry[]
    if (lo < unstableFrom) {
      result = this.storage.entries(lo, Math.min(hi, unstableFrom), maxBytes)
      // Storage stopped early (byte limit): do not reach into the unstable part.
      if (result.length < Math.min(hi, unstableFrom) - lo || hi <= unstableFrom) return result
      const tail = this.unstable.slice(unstableFrom, hi)
      const budget = maxBytes === Infinity ? Infinity : maxBytes - totalEntryBytes(result)
      const keep = budget === Infinity ? tail.length : prefixWithinBudget(tail, budget)
      for (let i = 0; i < keep; i++) result.push(tail[i])
      return result
    }
    const part = this.unstable.slice(lo, hi)
    if (maxBytes === Infinity) return part
    const keep = prefixWithinBytes(part, maxBytes)
    return keep === part.length ? part : part.slice(0, keep)
  }

  /** Entries from `lo` to the end, at most `maxBytes` of them (at least one when there are any). */
  entriesFrom (lo: number, maxBytes = Infinity): Entry[] {
    const last = this.lastIndex()
    if (lo > last) return []
    return this.slice(lo, last + 1, maxBytes)
  }

  commitTo (index: number): void {
    if (index <= this.committed) return
    if (index > this.lastIndex()) throw new RangeError(`commit ${index} is beyond the last index ${this.lastIndex()}`)
    this.committed = index
  }

  /** Commit `index` when it is above the commit index and its entry is of `term` (Raft §5.4.2). */
  maybeCommit (index: number, term: number): boolean {
    if (index > this.committed && this.termOrUndefined(index) === term) {
      this.commitTo(index)
      return true
    }
    return false
  }

  appliedTo (index: number): void {
    if (index <= this.applied) return
    this.applied = index
    if (this.applying < index) this.applying = index
  }

  /** Whether committed entries wait to be handed to the host. */
  hasNextCommittedEntries (): boolean {
    if (this.unstable.snapshot !== undefined) return false
    return this.committed > Math.max(this.applying, this.firstIndex() - 1)
  }

  /** The next committed entries to apply (within the byte budget), and marks them as handed out. */
  takeNextCommittedEntries (): Entry[] {
    if (!this.hasNextCommittedEntries()) return []
    const lo = Math.max(this.applying, this.firstIndex() - 1) + 1
    const entries = this.slice(lo, this.committed + 1, this.maxApplyingBytes)
    if (entries.length > 0) this.applying = entries[entries.length - 1].index
    return entries
  }

  /** The snapshot to send to a follower that needs compacted entries. */
  snapshot (): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot()
  }

  /** Replace the log with a snapshot received from the leader. */
  restore (snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index
    this.unstable.restore(snapshot)
  }

  /** The host made entries up to (index, term) durable. */
  stableTo (index: number, term: number): void {
    this.unstable.stableTo(index, term)
  }

  /** The host made the snapshot at `index` durable and restored the state machine from it. */
  stableSnapshotTo (index: number): void {
    this.unstable.stableSnapshotTo(index)
    this.appliedTo(index)
  }
}
