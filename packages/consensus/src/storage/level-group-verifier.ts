import type { ConfState, Entry, HardState, Snapshot } from '../raft/core/types.js'
import { MemoryLogStorage } from './memory-log-storage.js'
import { parseGroupKey, recordKey, RecordKind } from './level-keys.js'
import { corrupt, openRecord } from './record-envelope.js'
import { decodeConfState, decodeEntry, decodeHardState, decodeIndex, decodeLogBase, decodeSnapshot, type LogBase } from './record-payloads.js'

/** A group's state as read back from the store, verified. */
export interface LoadedGroup {
  /** The in-memory log the Raft core reads; the store writes through to it. */
  readonly log: MemoryLogStorage
  /** The applied index the host stored with `save({ applied })`, if it ever did. */
  readonly applied: number | undefined
}

interface Located<T> {
  readonly key: Uint8Array
  readonly value: T
}

/**
 * Checks a group's records as they come out of LevelDB (in key order: the single records, then
 * the entries by index) and builds the in-memory log from them. Any record that does not open or
 * decode, and any state Raft can never have written, throws `StorageCorruptionError` naming the
 * key: the node must not start on it, and nothing is repaired or truncated here.
 *
 * What is checked: each record's envelope (version, CRC-32C over key and value) and exact
 * decoding; entry keys match the index inside; entries start right after the log base (the last
 * compacted entry, else the snapshot), have no gaps and no decreasing terms, and terms ≥ 1; the
 * base is not past the snapshot, and the snapshot's index and term match the log when the log
 * still holds them; the log ends where the tip record (written with every change to its end)
 * says; the hard state's term is not below the last entry's, its commit index lies
 * between the snapshot and the last index; the applied index is not past the commit index.
 */
export class GroupRecordsVerifier {
  private hardState: Located<HardState> | undefined
  private confState: Located<ConfState> | undefined
  private snapshot: Located<Snapshot> | undefined
  private base: Located<LogBase> | undefined
  private applied: Located<number> | undefined
  private tip: Located<LogBase> | undefined
  private readonly entries: Entry[] = []
  /** Where the entries start (the log base), settled when the first entry arrives: every other record sorts before the entries. */
  private start: LogBase | undefined

  constructor (private readonly prefix: Uint8Array) {}

  /** Whether a hard state record was among the records. */
  get hasHardState (): boolean {
    return this.hardState !== undefined
  }

  /** Takes the next record of the group, in key order. */
  add (key: Uint8Array, value: Uint8Array): void {
    const parsed = parseGroupKey(key)
    if (parsed === undefined || parsed.prefixLength !== this.prefix.length) throw corrupt(key, 'malformed key')
    const payload = openRecord(key, value)
    switch (parsed.kind) {
      case RecordKind.hardState:
        this.hardState = { key, value: decodeHardState(key, payload) }
        return
      case RecordKind.confState:
        this.confState = { key, value: decodeConfState(key, payload) }
        return
      case RecordKind.snapshot:
        this.snapshot = { key, value: decodeSnapshot(key, payload) }
        return
      case RecordKind.logBase:
        this.base = { key, value: decodeLogBase(key, payload) }
        return
      case RecordKind.applied:
        this.applied = { key, value: decodeIndex(key, payload) }
        return
      case RecordKind.logTip:
        this.tip = { key, value: decodeLogBase(key, payload) }
        return
      case RecordKind.entry:
        this.addEntry(key, parsed.index ?? -1, decodeEntry(key, payload))
        return
      default:
        throw corrupt(key, `unknown record kind ${parsed.kind}`)
    }
  }

  /** Runs the checks that need every record, and builds the log. */
  finish (): LoadedGroup {
    const base = this.logBase()
    const last = this.entries.length > 0 ? this.entries[this.entries.length - 1] : base
    // The tip is written with every change to the log's end, and sorts before the entries (in
    // another LevelDB block): a tail of entries lost on its own shows here.
    if (this.tip !== undefined) {
      const { index, term } = this.tip.value
      if (index !== last.index || term !== last.term) {
        throw corrupt(this.tip.key, `the log ends at ${last.index} (term ${last.term}), but its last entry was ${index} (term ${term}): entries lost`)
      }
    } else if (this.entries.length > 0) {
      throw corrupt(this.tipKey(), 'missing, but the log has entries')
    }
    const snapshot = this.snapshot
    if (snapshot !== undefined) {
      const { index, term } = snapshot.value.metadata
      if (index > base.index) {
        if (index > last.index) throw corrupt(snapshot.key, `snapshot at ${index} is past the last index ${last.index}`)
        const held = this.entries[index - base.index - 1]
        if (held.term !== term) throw corrupt(snapshot.key, `snapshot at ${index} has term ${term}, the log has term ${held.term} there`)
      }
    }
    const hardState = this.hardState
    if (hardState !== undefined) {
      const { term, commit } = hardState.value
      if (term < last.term) throw corrupt(hardState.key, `term ${term} is below the last entry's term ${last.term}`)
      if (commit > last.index) throw corrupt(hardState.key, `commit index ${commit} is past the last index ${last.index}`)
      const snapshotIndex = snapshot?.value.metadata.index ?? 0
      if (commit < snapshotIndex) throw corrupt(hardState.key, `commit index ${commit} is below the snapshot at ${snapshotIndex}`)
    }
    if (this.applied !== undefined) {
      const commit = hardState?.value.commit ?? base.index
      if (this.applied.value > commit) throw corrupt(this.applied.key, `applied index ${this.applied.value} is past the commit index ${commit}`)
    }
    return { log: this.buildLog(base), applied: this.applied?.value }
  }

  private tipKey (): Uint8Array {
    return recordKey(this.prefix, RecordKind.logTip)
  }

  private addEntry (key: Uint8Array, keyIndex: number, entry: Entry): void {
    if (entry.index !== keyIndex) throw corrupt(key, `holds entry ${entry.index}`)
    if (entry.term < 1) throw corrupt(key, `entry term ${entry.term}`)
    const previous = this.entries.length > 0 ? this.entries[this.entries.length - 1] : (this.start ??= this.logBase())
    if (entry.index <= previous.index) {
      throw corrupt(key, `entry ${entry.index} is at or below the log's start (${previous.index}: snapshot or compaction point)`)
    }
    if (entry.index !== previous.index + 1) throw corrupt(key, `gap in the log: entries ${previous.index + 1} to ${entry.index - 1} are missing`)
    if (entry.term < previous.term) throw corrupt(key, `term ${entry.term} is below the previous entry's term ${previous.term}`)
    this.entries.push(entry)
  }

  /** The last entry dropped from the log: the base record, else the snapshot, else nothing (0, 0). */
  private logBase (): LogBase {
    const snapshot = this.snapshot?.value.metadata
    if (this.base === undefined) return snapshot === undefined ? { index: 0, term: 0 } : { index: snapshot.index, term: snapshot.term }
    const { index, term } = this.base.value
    if (snapshot === undefined) throw corrupt(this.base.key, 'a compaction point without a snapshot')
    if (index > snapshot.index) throw corrupt(this.base.key, `compaction point ${index} is past the snapshot at ${snapshot.index}`)
    if (term > snapshot.term) throw corrupt(this.base.key, `compaction point's term ${term} is above the snapshot's term ${snapshot.term}`)
    if (index === snapshot.index && term !== snapshot.term) throw corrupt(this.base.key, `compaction point's term ${term} differs from the snapshot's ${snapshot.term}`)
    return this.base.value
  }

  private buildLog (base: LogBase): MemoryLogStorage {
    const snapshot = this.snapshot?.value
    const hardState = this.hardState?.value
    const confState = this.confState?.value
    if (snapshot === undefined || base.index === snapshot.metadata.index) {
      const log = new MemoryLogStorage({ hardState, confState, snapshot })
      log.append(this.entries)
      return log
    }
    // Compacted below the snapshot (entries kept for slow followers): start the log at the base,
    // then record the snapshot on top of the entries it covers.
    const log = new MemoryLogStorage({
      hardState,
      confState: confState ?? snapshot.metadata.confState,
      snapshot: { metadata: { index: base.index, term: base.term, confState: snapshot.metadata.confState }, data: new Uint8Array(0) }
    })
    log.append(this.entries)
    log.createSnapshot(snapshot.metadata.index, snapshot.metadata.confState, snapshot.data)
    return log
  }
}
