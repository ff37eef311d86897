import type { ConfState, NodeId } from './types.js'

/** The configuration of a member that knows of no group yet (a node about to join). */
export const EMPTY_CONF_STATE: ConfState = Object.freeze({
  voters: [],
  learners: [],
  outgoing: [],
  learnersNext: [],
  autoLeave: false
})

/** Whether `id` takes part in `confState` at all: as a voter, an outgoing voter or a learner. */
export function isMemberOf (confState: ConfState, id: NodeId): boolean {
  return confState.voters.includes(id) || confState.outgoing.includes(id) ||
    confState.learners.includes(id) || confState.learnersNext.includes(id)
}

/** Whether `confState` names nobody: the member has not learned its group yet. */
export function isEmptyConfState (confState: ConfState): boolean {
  return confState.voters.length === 0 && confState.outgoing.length === 0 &&
    confState.learners.length === 0 && confState.learnersNext.length === 0
}
