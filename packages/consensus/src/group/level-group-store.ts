import type { AbortOptions } from '@meshwork/core-mesh'
import { RaftStorageEngine } from '../storage/level-raft-storage.js'
import type { GroupPersistence } from './group-persistence.js'
import type { GroupStore } from './group-store.js'

/**
 * Every group of a node in one LevelDB database at `path` (opened on first use), each write
 * fsynced before it is acknowledged; a group whose stored state fails verification refuses to
 * open with `StorageCorruptionError`.
 */
export class LevelGroupStore implements GroupStore {
  private engine: Promise<RaftStorageEngine> | undefined

  constructor (private readonly path: string) {}

  async open (group: string, options: AbortOptions = {}): Promise<GroupPersistence> {
    this.engine ??= RaftStorageEngine.open(this.path, options)
    const storage = (await this.engine).group(group)
    await storage.load(options)
    return storage
  }

  async close (): Promise<void> {
    const engine = this.engine
    this.engine = undefined
    if (engine !== undefined) await (await engine).close()
  }
}
