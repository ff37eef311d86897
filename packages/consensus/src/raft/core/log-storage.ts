import type { ConfState, Entry, HardState, Snapshot } from './types.js'

/**
 * The core's read-only view of durable state, read synchronously. Hosts keep the log in memory
 * (see `MemoryLogStorage`) and write it through to disk; the core never writes here: it hands
 * new state to the host in `Ready` and the host appends it once it is durable.
 *
 * Contract (as etcd-io/raft's `Storage`):
 * - `firstIndex()` is the index of the first entry still available (snapshot index + 1);
 *   `lastIndex()` the last one; an empty log has `lastIndex() === firstIndex() - 1`.
 * - `term(i)` answers for `firstIndex() - 1 <= i <= lastIndex()` (the snapshot's term at its
 *   index); it throws `LogCompactedError` below and `LogUnavailableError` above.
 * - `entries(lo, hi, maxBytes)` returns [lo, hi), at least one entry even if it exceeds
 *   `maxBytes`; the same errors as `term`.
 */
export interface LogStorage {
  initialState(): { hardState: HardState, confState: ConfState }
  entries(lo: number, hi: number, maxBytes?: number): Entry[]
  term(index: number): number
  firstIndex(): number
  lastIndex(): number
  snapshot(): Snapshot
}
