import type { AbortOptions } from '@meshwork/core-mesh'
import type { ClassicLevel } from 'classic-level'
import { ConsensusError, LogCompactedError, LogUnavailableError } from '../errors.js'
import type { ConfState, Entry, HardState, Snapshot } from '../raft/core/types.js'
import type { MemoryLogStorage } from './memory-log-storage.js'
import { levelOperation } from './level-errors.js'
import { GroupRecordsVerifier, type LoadedGroup } from './level-group-verifier.js'
import { entryKey, groupEnd, groupPrefix, recordKey, RecordKind } from './level-keys.js'
import { encodeConfState, encodeEntry, encodeHardState, encodeIndex, encodeLogBase, encodeSnapshot } from './record-payloads.js'

/** The LevelDB handle the store uses: binary keys and values. */
export type RaftLevel = ClassicLevel<Uint8Array, Uint8Array>

/** A put or a delete of one LevelDB batch. */
export type LevelOperation =
  | { readonly type: 'put', readonly key: Uint8Array, readonly value: Uint8Array }
  | { readonly type: 'del', readonly key: Uint8Array }

/** What one `save` makes durable: the durable part of a `Ready`, and what the host applied. */
export interface GroupUpdate {
  readonly hardState?: HardState
  /** New entries, in order; they replace any conflicting suffix of the log. */
  readonly entries?: readonly Entry[]
  /** A snapshot received from the leader: it replaces the whole log up to its index. */
  readonly snapshot?: Snapshot
  /** The applied membership configuration, when it changed. */
  readonly confState?: ConfState
  /** The applied index, for hosts whose state machine is itself durable. */
  readonly applied?: number
}

export interface SaveOptions extends AbortOptions {
  /** Wait for LevelDB to fsync its log before resolving (a `Ready` with `mustSync`). */
  readonly sync: boolean
}

export interface CompactOptions extends AbortOptions {
  /** fsync before resolving. Default false: losing a compaction to a crash is harmless. */
  readonly sync?: boolean
}

/** Hooks the engine gives each group: to refuse work once closed and to wait for work on close. */
export interface GroupStorageContext {
  /** Runs `operation` as work the engine waits for when it closes; throws once it is closed. */
  track<T>(operation: () => Promise<T>): Promise<T>
}

/**
 * One Raft group's durable state in the node's LevelDB database, and the in-memory log the Raft
 * core reads. Get it from `RaftStorageEngine.group(id)`; call `load()` once, then hand `log` to
 * the core and call `save` with each `Ready`.
 *
 * Write-through: every change is one atomic LevelDB batch, and only once LevelDB has accepted it
 * (and fsynced its log, with `sync: true`) is `log` updated, so the core never reads as durable
 * what a crash could lose. Operations on one group run one at a time in call order (LevelDB
 * could otherwise apply two in-flight batches in either order); different groups write
 * concurrently, and LevelDB commits their batches together.
 *
 * Usage errors throw before anything is written: `RangeError` for entries that are not
 * consecutive or whose terms go backwards, or a hard state that the log cannot support;
 * `LogCompactedError` / `LogUnavailableError` as `MemoryLogStorage` would. LevelDB's own reports
 * of damage become `StorageCorruptionError`. A signal is honoured until the batch is issued; a
 * batch once issued is always carried through to memory.
 *
 * Structurally this is the host's `GroupPersistence` (`log`, `save`, `compact`).
 */
export class GroupStorage {
  private readonly prefix: Uint8Array
  private loaded: LoadedGroup | undefined
  /** Whether a hard state record exists (the loader checks it against the log only then). */
  private hardStateStored = false
  private tail: Promise<unknown> = Promise.resolve()

  constructor (private readonly db: RaftLevel, readonly group: string, private readonly context: GroupStorageContext) {
    this.prefix = groupPrefix(group)
  }

  /** The in-memory log; throws `ConsensusError` before `load()` has resolved. */
  get log (): MemoryLogStorage {
    if (this.loaded === undefined) throw new ConsensusError(`group "${this.group}" is not loaded: await load() first`)
    return this.loaded.log
  }

  /**
   * Reads and verifies the group's records and builds its in-memory log (empty for a group never
   * saved). Throws `StorageCorruptionError` naming the key for anything Raft could not have
   * written. Later calls return the same log.
   */
  async load (options: AbortOptions = {}): Promise<LoadedGroup> {
    return await this.serial(options, async () => await this.ensureLoaded(options))
  }

  /**
   * Makes `update` durable in one batch: a snapshot replaces the log (its entries are deleted);
   * entries overwrite their indexes and delete any stale suffix after the last one; hard state,
   * conf state and applied index are rewritten. Then applies it to `log`.
   */
  async save (update: GroupUpdate, options: SaveOptions): Promise<void> {
    await this.serial(options, async () => {
      const { log } = await this.ensureLoaded(options)
      const ops = this.planSave(log, update)
      if (ops.length === 0) return
      options.signal?.throwIfAborted()
      await levelOperation(`saving group "${this.group}"`, async () => { await this.db.batch(ops, { sync: options.sync }) })
      if (update.snapshot !== undefined) log.applySnapshot(update.snapshot)
      const entries = update.entries ?? []
      if (entries.length > 0) log.append(entries)
      if (update.hardState !== undefined) {
        log.setHardState(update.hardState)
        this.hardStateStored = true
      }
      if (update.confState !== undefined) log.setConfState(update.confState)
      if (update.applied !== undefined) this.loaded = { log, applied: update.applied }
    })
  }

  /**
   * Log compaction, in one batch: stores `snapshot` (taken locally of the state machine at an
   * index the log holds) and deletes the entries up to `compactTo`, which must not pass the
   * snapshot. Entries between `compactTo` and the snapshot stay for followers slightly behind.
   */
  async compact (snapshot: Snapshot, compactTo: number, options: CompactOptions = {}): Promise<void> {
    await this.serial(options, async () => {
      const { log } = await this.ensureLoaded(options)
      const ops = this.planCompaction(log, snapshot, compactTo)
      options.signal?.throwIfAborted()
      await levelOperation(`compacting group "${this.group}"`, async () => { await this.db.batch(ops, { sync: options.sync ?? false }) })
      log.createSnapshot(snapshot.metadata.index, snapshot.metadata.confState, snapshot.data)
      log.compact(compactTo)
    })
  }

  /** Deletes every record of the group in one batch; the group then loads empty. */
  async destroy (options: AbortOptions = {}): Promise<void> {
    await this.serial(options, async () => {
      const ops: LevelOperation[] = []
      await levelOperation(`reading group "${this.group}"`, async () => {
        for await (const key of this.db.keys({ gte: this.prefix, lt: groupEnd(this.prefix), signal: options.signal })) ops.push({ type: 'del', key })
      })
      options.signal?.throwIfAborted()
      if (ops.length > 0) await levelOperation(`destroying group "${this.group}"`, async () => { await this.db.batch(ops, { sync: true }) })
      this.loaded = undefined
      this.hardStateStored = false
    })
  }

  private async ensureLoaded (options: AbortOptions): Promise<LoadedGroup> {
    if (this.loaded !== undefined) return this.loaded
    const verifier = new GroupRecordsVerifier(this.prefix)
    await levelOperation(`loading group "${this.group}"`, async () => {
      for await (const [key, value] of this.db.iterator({ gte: this.prefix, lt: groupEnd(this.prefix), signal: options.signal })) {
        verifier.add(key, value)
      }
    })
    const loaded = verifier.finish()
    this.hardStateStored = verifier.hasHardState
    this.loaded = loaded
    return loaded
  }

  /** Runs `operation` after every earlier operation on this group, as tracked work of the engine. */
  private async serial<T> (options: AbortOptions, operation: () => Promise<T>): Promise<T> {
    options.signal?.throwIfAborted()
    return await this.context.track(async () => {
      const run = this.tail.then(async () => {
        options.signal?.throwIfAborted()
        return await operation()
      })
      this.tail = run.catch(() => {})
      return await run
    })
  }

  private planSave (log: MemoryLogStorage, update: GroupUpdate): LevelOperation[] {
    const ops: LevelOperation[] = []
    let base = { index: log.firstIndex() - 1, term: log.term(log.firstIndex() - 1) }
    let last = log.lastIndex()
    let snapshotIndex = log.snapshot().metadata.index
    const termAt = (index: number): number => index === base.index ? base.term : log.term(index)

    const snapshot = update.snapshot
    if (snapshot !== undefined) {
      const { index, term } = snapshot.metadata
      if (index < snapshotIndex) throw new LogCompactedError(`snapshot at ${index} is older than the one held at ${snapshotIndex}`)
      for (let i = base.index + 1; i <= last; i++) ops.push({ type: 'del', key: entryKey(this.prefix, i) })
      ops.push(this.put(RecordKind.snapshot, key => encodeSnapshot(key, snapshot)))
      ops.push({ type: 'del', key: recordKey(this.prefix, RecordKind.logBase) })
      // the snapshot's configuration is the current one now, unless this update names another
      if (update.confState === undefined) ops.push({ type: 'del', key: recordKey(this.prefix, RecordKind.confState) })
      base = { index, term }
      last = index
      snapshotIndex = index
    }

    let lastTerm = termAt(last)
    const entries = (update.entries ?? []).filter(e => e.index > base.index)
    if (entries.length > 0) {
      const first = entries[0].index
      if (first > last + 1) throw new LogUnavailableError(`appending at ${first} would leave a gap after the last index ${last}`)
      let previousTerm = termAt(first - 1)
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]
        if (entry.index !== first + i) throw new RangeError(`entries to append are not consecutive at index ${entry.index}`)
        if (entry.term < 1 || entry.term < previousTerm) throw new RangeError(`entry ${entry.index} has term ${entry.term}, after term ${previousTerm}`)
        previousTerm = entry.term
        const key = entryKey(this.prefix, entry.index)
        ops.push({ type: 'put', key, value: encodeEntry(key, entry) })
      }
      const newLast = first + entries.length - 1
      for (let i = newLast + 1; i <= last; i++) ops.push({ type: 'del', key: entryKey(this.prefix, i) })
      last = newLast
      lastTerm = previousTerm
    }
    if (snapshot !== undefined || entries.length > 0) {
      // the log's end, in a record of its own: the loader notices a tail of entries lost alone
      ops.push(this.put(RecordKind.logTip, key => encodeLogBase(key, { index: last, term: lastTerm })))
    }

    const hardState = update.hardState ?? (this.hardStateStored ? log.initialState().hardState : undefined)
    if (hardState !== undefined) {
      if (hardState.term < lastTerm) throw new RangeError(`hard state term ${hardState.term} is below the last entry's term ${lastTerm}`)
      if (hardState.commit > last) throw new RangeError(`commit index ${hardState.commit} is past the last index ${last}`)
      if (hardState.commit < snapshotIndex) throw new RangeError(`commit index ${hardState.commit} is below the snapshot at ${snapshotIndex}`)
    }
    const given = update.hardState
    if (given !== undefined) ops.push(this.put(RecordKind.hardState, key => encodeHardState(key, given)))
    const confState = update.confState
    if (confState !== undefined) ops.push(this.put(RecordKind.confState, key => encodeConfState(key, confState)))
    const applied = update.applied
    if (applied !== undefined) {
      const commit = hardState?.commit ?? base.index
      if (applied > commit) throw new RangeError(`applied index ${applied} is past the commit index ${commit}`)
      ops.push(this.put(RecordKind.applied, key => encodeIndex(key, applied)))
    }
    return ops
  }

  private planCompaction (log: MemoryLogStorage, snapshot: Snapshot, compactTo: number): LevelOperation[] {
    const { index, term } = snapshot.metadata
    const held = log.snapshot().metadata.index
    if (index < held) throw new LogCompactedError(`snapshot index ${index} is below the current snapshot at ${held}`)
    if (index > log.lastIndex()) throw new LogUnavailableError(`snapshot index ${index} is beyond the last index ${log.lastIndex()}`)
    if (log.term(index) !== term) throw new RangeError(`snapshot at ${index} has term ${term}, the log has term ${log.term(index)} there`)
    if (compactTo > index) throw new RangeError(`cannot compact to ${compactTo}: the snapshot is at ${index}`)
    const commit = log.initialState().hardState.commit
    if (index > commit) throw new RangeError(`snapshot at ${index} is past the commit index ${commit}`)
    const ops: LevelOperation[] = [this.put(RecordKind.snapshot, key => encodeSnapshot(key, snapshot))]
    const oldBase = log.firstIndex() - 1
    const newBase = Math.max(oldBase, compactTo)
    for (let i = oldBase + 1; i <= newBase; i++) ops.push({ type: 'del', key: entryKey(this.prefix, i) })
    if (newBase < index) {
      ops.push(this.put(RecordKind.logBase, key => encodeLogBase(key, { index: newBase, term: log.term(newBase) })))
    } else {
      ops.push({ type: 'del', key: recordKey(this.prefix, RecordKind.logBase) })
    }
    return ops
  }

  private put (kind: number, encode: (key: Uint8Array) => Uint8Array): LevelOperation {
    const key = recordKey(this.prefix, kind)
    return { type: 'put', key, value: encode(key) }
  }
}
