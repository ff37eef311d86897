import type { StateMachine } from '../state-machine.js'
import type { NodeId, Snapshot } from '../raft/core/types.js'
import type { GroupPersistence } from './group-persistence.js'

/** Whether nothing was ever stored for the group: no snapshot, no entries, no term. */
export function isPristine (persistence: GroupPersistence): boolean {
  const { log } = persistence
  return log.lastIndex() === 0 && log.snapshot().metadata.index === 0 && log.initialState().hardState.term === 0
}

/**
 * Founds a group: stores a first snapshot at index 1, term 1, whose configuration has `voters`,
 * and whose data is the empty state of `stateMachine`. Every founding voter must call this with
 * the same list; a member added later starts pristine and is caught up by the leader.
 */
export async function foundGroup (persistence: GroupPersistence, voters: readonly NodeId[], stateMachine: StateMachine): Promise<void> {
  const snapshot: Snapshot = {
    metadata: { index: 1, term: 1, confState: { voters: [...voters].sort(), learners: [], outgoing: [], learnersNext: [], autoLeave: false } },
    data: stateMachine.snapshot()
  }
  await persistence.save({ snapshot, entries: [], hardState: { term: 1, vote: '', commit: 1 } }, { sync: true })
}
