import { readdir } from 'node:fs/promises'
import type { AbortOptions } from '@meshwork/core-mesh'
import { ClassicLevel } from 'classic-level'
import { ConsensusError, StorageCorruptionError } from '../errors.js'
import { isLevelCorruption, levelOperation, rootMessage } from './level-errors.js'
import { GroupStorage, type RaftLevel } from './level-group-storage.js'
import { FORMAT_KEY, groupEnd, parseGroupKey } from './level-keys.js'
import { corrupt, openRecord } from './record-envelope.js'
import { decodeIndex, encodeIndex } from './record-payloads.js'

/** The version of the store's layout (keys and records); a store of another version is refused. */
export const RAFT_STORAGE_FORMAT = 1

const GROUP_SPACE_START = Uint8Array.of(0x01)
const GROUP_SPACE_END = Uint8Array.of(0x02)

export interface RaftStorageOpenOptions extends AbortOptions {
  /** LevelDB's block cache in bytes. Default 8 MiB. */
  readonly cacheSize?: number
  /** LevelDB's memtable (and log file) size before it is flushed to a table. Default 4 MiB. */
  readonly writeBufferSize?: number
}

/**
 * The node's durable Raft state: one LevelDB database holding every group it is a member of.
 * Each group is a `GroupStorage` under its own key prefix (layout in `level-keys.ts`), so groups
 * write concurrently into one LevelDB log, and a synced write of one group makes the others'
 * earlier writes durable too.
 *
 * Damage is refused, never repaired: a database that LevelDB reports corrupt, a directory that
 * holds files but no database (its `CURRENT` lost), a store of an unknown format, and any record
 * that fails its checks all throw `StorageCorruptionError`, and the node must not start. What
 * LevelDB drops silently (it runs without `paranoid_checks`: a damaged record of its write-ahead
 * log is skipped on recovery) is caught by the group's checks when it leaves a gap; a lost tail
 * of the write-ahead log cannot be told from writes that never happened.
 */
export class RaftStorageEngine {
  private readonly groupStorages = new Map<string, GroupStorage>()
  private readonly pending = new Set<Promise<unknown>>()
  private closed = false

  private constructor (readonly path: string, private readonly db: RaftLevel) {}

  /**
   * Opens the store in directory `path`, creating it when the directory is missing or empty.
   * Throws `StorageCorruptionError` as described on the class.
   */
  static async open (path: string, options: RaftStorageOpenOptions = {}): Promise<RaftStorageEngine> {
    options.signal?.throwIfAborted()
    const fresh = await isMissingOrEmpty(path)
    const db: RaftLevel = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      createIfMissing: fresh,
      cacheSize: options.cacheSize,
      writeBufferSize: options.writeBufferSize
    })
    try {
      await db.open({ createIfMissing: fresh, errorIfExists: false })
    } catch (err) {
      if (isLevelCorruption(err)) throw new StorageCorruptionError(`LevelDB reports corruption opening ${path}: ${rootMessage(err)}`, { cause: err })
      if (!fresh && /does not exist/.test(rootMessage(err))) {
        throw new StorageCorruptionError(`${path} holds files but no LevelDB database (is CURRENT lost?): ${rootMessage(err)}`, { cause: err })
      }
      throw err
    }
    const engine = new RaftStorageEngine(path, db)
    try {
      await engine.checkFormat()
      options.signal?.throwIfAborted()
    } catch (err) {
      await db.close()
      throw err
    }
    return engine
  }

  /** The storage of one group (the same object for the same id); `RangeError` for an id over 255 UTF-8 bytes or empty. */
  group (groupId: string): GroupStorage {
    let storage = this.groupStorages.get(groupId)
    if (storage === undefined) {
      storage = new GroupStorage(this.db, groupId, { track: async operation => await this.track(operation) })
      this.groupStorages.set(groupId, storage)
    }
    return storage
  }

  /** The ids of the groups that have anything stored, in key order. */
  async groups (options: AbortOptions = {}): Promise<string[]> {
    return await this.track(async () => await levelOperation('listing groups', async () => {
      const ids: string[] = []
      const keys = this.db.keys({ gte: GROUP_SPACE_START, lt: GROUP_SPACE_END, signal: options.signal })
      try {
        for (let key = await keys.next(); key !== undefined; key = await keys.next()) {
          const parsed = parseGroupKey(key)
          if (parsed === undefined) throw corrupt(key, 'malformed key')
          ids.push(parsed.group)
          keys.seek(groupEnd(key.subarray(0, parsed.prefixLength)))
        }
      } finally {
        await keys.close()
      }
      return ids
    }))
  }

  /** Waits for the operations under way, then closes the database. Later calls do nothing. */
  async close (options: AbortOptions = {}): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.pending.size > 0) {
      options.signal?.throwIfAborted()
      await Promise.allSettled([...this.pending])
    }
    await this.db.close()
  }

  private async track<T> (operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ConsensusError(`the Raft store at ${this.path} is closed`)
    const running = operation()
    this.pending.add(running)
    try {
      return await running
    } finally {
      this.pending.delete(running)
    }
  }

  /**
   * Writes the format record into an empty store; refuses a store without one, of another
   * version, or holding keys outside the format record and the group space (a damaged key would
   * otherwise just vanish from its group).
   */
  private async checkFormat (): Promise<void> {
    const [below, above] = await levelOperation('reading the store', async () => await Promise.all([
      this.db.keys({ lt: GROUP_SPACE_START, limit: 2 }).all(),
      this.db.keys({ gte: GROUP_SPACE_END, limit: 1 }).all()
    ]))
    for (const key of [...below, ...above]) {
      if (!equalBytes(key, FORMAT_KEY)) throw corrupt(key, 'a key outside the store\'s layout')
    }
    const value = await levelOperation('reading the format record', async () => await this.db.get(FORMAT_KEY))
    if (value === undefined) {
      const any = await levelOperation('reading the store', async () => await this.db.keys({ limit: 1 }).all())
      if (any.length > 0) throw corrupt(FORMAT_KEY, 'missing, but the store holds records')
      await levelOperation('writing the format record', async () => { await this.db.put(FORMAT_KEY, encodeIndex(FORMAT_KEY, RAFT_STORAGE_FORMAT), { sync: true }) })
      return
    }
    const version = decodeIndex(FORMAT_KEY, openRecord(FORMAT_KEY, value))
    if (version !== RAFT_STORAGE_FORMAT) throw corrupt(FORMAT_KEY, `format version ${version}; this build reads version ${RAFT_STORAGE_FORMAT}`)
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

async function isMissingOrEmpty (path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw err
  }
}
