import type { AbortOptions } from '@meshwork/core-mesh'
import type { MemoryLogStorage } from '../storage/memory-log-storage.js'
import type { Entry, HardState, Snapshot } from '../raft/core/types.js'

/** The durable part of one `Ready`. */
export interface PersistUpdate {
  readonly hardState?: HardState
  readonly entries: readonly Entry[]
  readonly snapshot?: Snapshot
}

/**
 * Where a group's Raft state is kept. `log` is the in-memory copy the core reads; `save` makes
 * an update durable (fsynced when `sync`) and only then adds it to `log`, so the core never
 * counts on state a crash could lose. `GroupStorage` (of `RaftStorageEngine`) keeps it in LevelDB;
 * `MemoryGroupPersistence` keeps it in memory only (tests, examples).
 */
export interface GroupPersistence {
  readonly log: MemoryLogStorage
  save(update: PersistUpdate, options: AbortOptions & { sync: boolean }): Promise<void>
  /** Store `snapshot` and drop log entries up to `compactTo` (≤ the snapshot's index). */
  compact(snapshot: Snapshot, compactTo: number, options?: AbortOptions): Promise<void>
}

/** Keeps everything in memory: nothing survives the process. */
export class MemoryGroupPersistence implements GroupPersistence {
  constructor (readonly log: MemoryLogStorage) {}

  async save (update: PersistUpdate): Promise<void> {
    if (update.snapshot !== undefined) this.log.applySnapshot(update.snapshot)
    if (update.entries.length > 0) this.log.append(update.entries)
    if (update.hardState !== undefined) this.log.setHardState(update.hardState)
  }

  async compact (snapshot: Snapshot, compactTo: number): Promise<void> {
    this.log.createSnapshot(snapshot.metadata.index, snapshot.metadata.confState, snapshot.data)
    this.log.compact(compactTo)
  }
}
