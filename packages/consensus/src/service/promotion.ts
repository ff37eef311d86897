import type { NodeId, RaftStatus } from '../raft/core/types.js'

/** A learner within this many entries of the leader's commit index counts as caught up. */
export const PROMOTION_LAG = 64

/**
 * The learner the leader should promote to voter now, if any: only while there are fewer voters
 * than `maxVoters`, no joint configuration is active, and the learner has caught up.
 */
export function promotionCandidate (status: RaftStatus, maxVoters: number): NodeId | undefined {
  const { confState, progress } = status
  if (progress === undefined || confState.outgoing.length > 0) return undefined
  if (confState.voters.length >= maxVoters) return undefined
  for (const learner of [...confState.learners].sort()) {
    const match = progress[learner]?.match ?? 0
    if (progress[learner]?.recentActive === true && match + PROMOTION_LAG >= status.commit) return learner
  }
  return undefined
}
