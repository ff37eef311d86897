import type { NodeId } from './types.js'

/** The outcome of counting votes: a majority said yes, a majority cannot say yes any more, or undecided. */
export type VoteResult = 'won' | 'lost' | 'pending'

/**
 * The highest index that a majority of `voters` has acknowledged, given each voter's
 * acknowledged index (`ackedIndex`, 0 for unknown voters). An empty set of voters puts no
 * constraint: the answer is `Infinity`, so that a joint configuration with no outgoing half
 * behaves like its incoming half alone.
 *
 * `scratch` is reused between calls to avoid allocating per message.
 */
export function majorityCommittedIndex (
  voters: ReadonlySet<NodeId>,
  ackedIndex: (id: NodeId) => number,
  scratch: number[] = []
): number {
  const n = voters.size
  if (n === 0) return Infinity
  scratch.length = n
  let i = 0
  for (const id of voters) {
    // insertion sort, descending: groups are small
    const value = ackedIndex(id)
    let j = i
    while (j > 0 && scratch[j - 1] < value) {
      scratch[j] = scratch[j - 1]
      j--
    }
    scratch[j] = value
    i++
  }
  // the (n/2 + 1)-th highest value is acknowledged by a majority
  return scratch[Math.floor(n / 2)]
}

/**
 * The result of a vote among `voters`, where `votes` holds the answers so far (true = granted).
 * An empty set of voters wins, for the same reason as in {@link majorityCommittedIndex}.
 */
export function majorityVoteResult (voters: ReadonlySet<NodeId>, votes: (id: NodeId) => boolean | undefined): VoteResult {
  if (voters.size === 0) return 'won'
  let granted = 0
  let missing = 0
  for (const id of voters) {
    const vote = votes(id)
    if (vote === undefined) missing++
    else if (vote) granted++
  }
  const needed = Math.floor(voters.size / 2) + 1
  if (granted >= needed) return 'won'
  if (granted + missing >= needed) return 'pending'
  return 'lost'
}

/** Two voter sets: during a joint configuration both must agree. `outgoing` is empty otherwise. */
export interface JointVoters {
  readonly incoming: ReadonlySet<NodeId>
  readonly outgoing: ReadonlySet<NodeId>
}

/** The highest index acknowledged by a majority of each half of a joint configuration. */
export function jointCommittedIndex (voters: JointVoters, ackedIndex: (id: NodeId) => number, scratch: number[] = []): number {
  const incoming = majorityCommittedIndex(voters.incoming, ackedIndex, scratch)
  const outgoing = majorityCommittedIndex(voters.outgoing, ackedIndex, scratch)
  const index = Math.min(incoming, outgoing)
  // no voters at all: nothing can be committed by counting
  return index === Infinity ? 0 : index
}

/** Won when both halves are won, lost when either is lost, pending otherwise. */
export function jointVoteResult (voters: JointVoters, votes: (id: NodeId) => boolean | undefined): VoteResult {
  const incoming = majorityVoteResult(voters.incoming, votes)
  const outgoing = majorityVoteResult(voters.outgoing, votes)
  if (incoming === outgoing) return incoming
  if (incoming === 'lost' || outgoing === 'lost') return 'lost'
  return 'pending'
}
