import { MemoryLogStorage, type MemoryLogStorageInit } from '../../../src/storage/memory-log-storage.js'
import type { ConfState, Entry, HardState, Snapshot } from '../../../src/raft/core/types.js'

/** What one `Ready` asks to persist, in the order a write-ahead log records it. */
export interface DiskWrite {
  readonly snapshot?: Snapshot
  readonly entries: readonly Entry[]
  readonly hardState?: HardState
}

/** What a crash threw away. */
export interface CrashLoss {
  /** Writes that were not yet durable and did not survive. */
  readonly writes: number
  /** Log entries among them. */
  readonly entries: number
  /** Whether one of them carried a snapshot. */
  readonly snapshot: boolean
}

/**
 * A member's disk, standing in for LevelDB and fsync. `written` is the page cache: what the
 * host and the core read back at once. A write becomes durable only at `sync` (the simulated
 * fsync completing); a crash keeps the durable copy plus, at the crash's choice, a prefix of the
 * writes since (the kernel may have flushed some of them on its own), and loses the rest.
 *
 * Snapshots the host takes of its own state are durable at once: a host writes and syncs the
 * snapshot before it compacts the log.
 */
export class SimulatedDisk {
  private current: MemoryLogStorage
  private readonly durable: MemoryLogStorage
  private unsynced: DiskWrite[] = []

  constructor (init: MemoryLogStorageInit = {}) {
    this.current = new MemoryLogStorage(init)
    this.durable = new MemoryLogStorage(init)
  }

  /** The log as the host and core see it. Replaced by a fresh copy after a crash. */
  get written (): MemoryLogStorage {
    return this.current
  }

  /** Writes not yet durable. */
  get pending (): readonly DiskWrite[] {
    return this.unsynced
  }

  write (write: DiskWrite): void {
    applyWrite(this.current, write)
    this.unsynced.push(write)
  }

  /** The fsync completed: everything written so far is durable. */
  sync (): void {
    for (const write of this.unsynced) applyWrite(this.durable, write)
    this.unsynced = []
  }

  /**
   * Store a snapshot of the host's own state at `index` and drop entries up to `compactTo`, on the
   * page cache and the durable copy alike. Pending writes are synced first, as a host fsyncs
   * before it compacts.
   */
  snapshotAndCompact (index: number, confState: ConfState, data: Uint8Array, compactTo: number): Snapshot {
    this.sync()
    const snapshot = this.current.createSnapshot(index, confState, data)
    this.durable.createSnapshot(index, confState, data)
    this.current.compact(compactTo)
    this.durable.compact(compactTo)
    return snapshot
  }

  /**
   * The machine lost power: keep the first `survivors` pending writes (they reached the platter
   * anyway), lose the others, and rebuild the page cache from what is on disk.
   */
  crash (survivors: number): CrashLoss {
    const kept = this.unsynced.slice(0, survivors)
    const lost = this.unsynced.slice(survivors)
    for (const write of kept) applyWrite(this.durable, write)
    this.unsynced = []
    this.current = copyOf(this.durable)
    return {
      writes: lost.length,
      entries: lost.reduce((sum, write) => sum + write.entries.length, 0),
      snapshot: lost.some(write => write.snapshot !== undefined)
    }
  }
}

function applyWrite (storage: MemoryLogStorage, write: DiskWrite): void {
  if (write.snapshot !== undefined) storage.applySnapshot(write.snapshot)
  if (write.entries.length > 0) storage.append(write.entries)
  if (write.hardState !== undefined) storage.setHardState(write.hardState)
}

/**
 * What a restart reads back. The configuration comes from the snapshot, not from
 * `initialState()`: the host restarts with `applied` at the snapshot and replays the membership
 * changes after it, so the core must start from the configuration as of the snapshot.
 */
function copyOf (storage: MemoryLogStorage): MemoryLogStorage {
  const copy = new MemoryLogStorage({ hardState: storage.initialState().hardState, snapshot: storage.snapshot() })
  copy.append(storage.entries(storage.firstIndex(), storage.lastIndex() + 1))
  return copy
}
