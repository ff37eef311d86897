import type { ConsensusHealth } from '../../node-consensus.js'

/** One line for the consensus part of `/api/health`, as `status` prints it. */
export function describeConsensus (consensus: ConsensusHealth): string {
  if (!consensus.enabled) return 'off'
  if (consensus.role === null || !consensus.member) return 'joining the control group (not a member yet)'
  const leader = consensus.role === 'leader' ? 'this node' : consensus.leader ?? 'none known'
  return `${consensus.role} in term ${consensus.term}, leader ${leader}, ${consensus.voters} voters, quorum ${consensus.quorumActive ? 'active' : 'lost'}`
}
