import type { AbortOptions } from '@meshwork/core-mesh'
import { MemoryLogStorage } from '../storage/memory-log-storage.js'
import { MemoryGroupPersistence, type GroupPersistence } from './group-persistence.js'

/** Where a node keeps its groups: opens each group's persistence by id. */
export interface GroupStore {
  open(group: string, options?: AbortOptions): Promise<GroupPersistence>
  close(): Promise<void>
}

/** Groups kept in memory only: for tests and examples; nothing survives a restart. */
export class MemoryGroupStore implements GroupStore {
  private readonly groups = new Map<string, GroupPersistence>()

  async open (group: string): Promise<GroupPersistence> {
    let persistence = this.groups.get(group)
    if (persistence === undefined) {
      persistence = new MemoryGroupPersistence(new MemoryLogStorage())
      this.groups.set(group, persistence)
    }
    return persistence
  }

  async close (): Promise<void> {}
}
