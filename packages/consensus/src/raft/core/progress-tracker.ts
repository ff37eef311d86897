import { Progress } from './progress.js'
import { jointCommittedIndex, jointVoteResult } from './quorum.js'
import type { JointVoters, VoteResult } from './quorum.js'
import type { ConfState, NodeId } from './types.js'

/**
 * The membership configuration as the core works with it, the leader's {@link Progress} for every
 * member, and the votes of the election under way (etcd-io/raft's `tracker.ProgressTracker`).
 * All quorum questions — what is committed, who won, is a quorum active — are answered here, by
 * joint majority while the configuration is joint.
 */
export class ProgressTracker {
  readonly progress = new Map<NodeId, Progress>()
  private incoming = new Set<NodeId>()
  private outgoing = new Set<NodeId>()
  private learners = new Set<NodeId>()
  private learnersNext = new Set<NodeId>()
  private current: ConfState
  /** Voters of either half, each once, in a stable order. */
  private voterIds: NodeId[] = []
  private readonly votes = new Map<NodeId, boolean>()
  private readonly scratch: number[] = []
  private readonly voterSets: JointVoters

  constructor (confState: ConfState, nextIndex: number, private readonly maxInflight: number) {
    this.current = confState
    this.voterSets = { incoming: this.incoming, outgoing: this.outgoing }
    this.setConfiguration(confState, nextIndex)
  }

  get confState (): ConfState {
    return this.current
  }

  /**
   * Switch to `confState`. Members that appear start with a fresh progress (probing from
   * `nextIndex`, counted as recently active so that check-quorum gives them time); members that
   * leave lose theirs.
   */
  setConfiguration (confState: ConfState, nextIndex: number): void {
    this.current = confState
    this.incoming.clear()
    this.outgoing.clear()
    this.learners.clear()
    this.learnersNext.clear()
    for (const id of confState.voters) this.incoming.add(id)
    for (const id of confState.outgoing) this.outgoing.add(id)
    for (const id of confState.learners) this.learners.add(id)
    for (const id of confState.learnersNext) this.learnersNext.add(id)
    const members = new Set<NodeId>([...this.incoming, ...this.outgoing, ...this.learners, ...this.learnersNext])
    for (const id of [...this.progress.keys()]) {
      if (!members.has(id)) this.progress.delete(id)
    }
    for (const id of members) {
      let progress = this.progress.get(id)
      if (progress === undefined) {
        progress = new Progress(Math.max(nextIndex, 1), this.maxInflight, false)
        progress.recentActive = true
        this.progress.set(id, progress)
      }
      progress.isLearner = this.learners.has(id)
    }
    this.voterIds = [...new Set([...this.incoming, ...this.outgoing])]
  }

  /** Voters of either half of the configuration. */
  voters (): readonly NodeId[] {
    return this.voterIds
  }

  isVoter (id: NodeId): boolean {
    return this.incoming.has(id) || this.outgoing.has(id)
  }

  /** Whether `id` is in the configuration at all (voter of either half, learner or pending learner). */
  isMember (id: NodeId): boolean {
    return this.progress.has(id)
  }

  isLearner (id: NodeId): boolean {
    return this.learners.has(id)
  }

  isJoint (): boolean {
    return this.outgoing.size > 0
  }

  autoLeave (): boolean {
    return this.current.autoLeave
  }

  /** Whether this is a one-voter group (that voter commits and wins alone). */
  isSingleVoter (): boolean {
    return this.incoming.size === 1 && this.outgoing.size === 0
  }

  /** The highest index acknowledged by a (joint) majority of voters. */
  committed (): number {
    return jointCommittedIndex(this.voterSets, id => this.progress.get(id)?.match ?? 0, this.scratch)
  }

  resetVotes (): void {
    this.votes.clear()
  }

  /** Record `id`'s answer; only its first answer in an election counts. */
  recordVote (id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted)
  }

  tallyVotes (): VoteResult {
    return jointVoteResult(this.voterSets, id => this.votes.get(id))
  }

  /** Whether the voters in `acks` form a (joint) quorum. */
  isQuorum (acks: ReadonlySet<NodeId>): boolean {
    return jointVoteResult(this.voterSets, id => acks.has(id) ? true : undefined) === 'won'
  }

  /** Whether a (joint) quorum of voters (and `self`, always) was heard from at or after tick `since`. */
  heardFromQuorumSince (since: number, self: NodeId): boolean {
    return jointVoteResult(this.voterSets, id => id === self || (this.progress.get(id)?.lastHeardAt ?? -Infinity) >= since ? true : undefined) === 'won'
  }

  /** Whether a (joint) quorum of voters was recently active. */
  quorumActive (): boolean {
    return jointVoteResult(this.voterSets, id => this.progress.get(id)?.recentActive === true ? true : undefined) === 'won'
  }
}
