import { NotLeaderError, ProposalDroppedError, StorageCorruptionError } from '../../errors.js'
import { encodeConfChange } from './conf-change-codec.js'
import { isEmptyConfState } from './conf-state.js'
import type { RaftCoreApi, RaftCoreConfig } from './config.js'
import { applyConfChangeTo } from './configuration.js'
import type { CoreContext } from './core-context.js'
import { resolveRaftConfig } from './defaults.js'
import type { ResolvedRaftConfig } from './defaults.js'
import { Follower } from './follower.js'
import { LeaderProposals } from './leader-proposals.js'
import type { Proposal } from './leader-proposals.js'
import { validateMessage } from './message-validation.js'
import type { ReceiverView } from './message-validation.js'
import { Outbox } from './outbox.js'
import { ProgressTracker } from './progress-tracker.js'
import { RaftLog } from './raft-log.js'
import { ReadIndexCoordinator } from './read-index.js'
import { Replicator } from './replicator.js'
import type { ChunkOutcome } from './snapshot-transfer.js'
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ProgressStatus,
  ProposeMessage,
  RaftStatus,
  ReadIndexMessage,
  Ready,
  Role,
  VoteMessage,
  VoteResponseMessage
} from './types.js'

type CampaignKind = 'pre-election' | 'election' | 'transfer'

/**
 * The Raft state machine (after etcd-io/raft's `raft.go`), with no I/O: the host feeds it ticks
 * and messages and carries out the {@link Ready} batches it produces. See {@link RaftCoreApi} for
 * the contract and `types.ts` for the order in which a `Ready` must be handled.
 *
 * Beyond the Raft paper it implements pre-vote and check-quorum (a partitioned member cannot
 * disrupt the group, a leader in a minority steps down), leadership transfer, joint consensus
 * and learners, chunked snapshot transfer verified by CRC-32C, ReadIndex and lease reads,
 * forwarding of proposals and reads to the leader, and checks that refuse messages no correct
 * member sends (`message-validation.ts`). This class holds the roles, terms and elections, and
 * drives the parts: replication (`replicator.ts` for the leader, `follower.ts`), proposals
 * (`leader-proposals.ts`) and reads (`read-index.ts`).
 */
export class RaftCore implements RaftCoreApi {
  readonly id: NodeId
  private readonly config: ResolvedRaftConfig
  private readonly log: RaftLog
  private readonly tracker: ProgressTracker
  private readonly outbox: Outbox
  private readonly replicator: Replicator
  private readonly follower: Follower
  private readonly reads: ReadIndexCoordinator
  private readonly proposals: LeaderProposals
  private readonly receiverView: ReceiverView

  private term = 0
  private vote: NodeId = ''
  private leader: NodeId | undefined = undefined
  private role: Role = 'follower'

  private electionElapsed = 0
  private heartbeatElapsed = 0
  private randomizedElectionTimeout = 0
  /** Ticks since the core was made: the leader's clock for leases and snapshot transfers. */
  private ticks = 0
  private transferee: NodeId | undefined = undefined
  /** Set once this leader sent timeoutNow in its term: its lease no longer protects reads. */
  private leaseForfeited = false
  /** The leader owes every follower an append (new entries or a new commit index); sent at the next `ready`. */
  private broadcastPending = false

  constructor (config: RaftCoreConfig) {
    this.config = resolveRaftConfig(config)
    this.id = this.config.id
    const storage = this.config.storage
    const { hardState, confState } = storage.initialState()
    this.log = new RaftLog(storage, this.config.maxMessageBytes)
    this.tracker = new ProgressTracker(confState, this.log.lastIndex(), this.config.maxInflightMessages)
    if (hardState.commit < this.log.committed || hardState.commit > this.log.lastIndex()) {
      throw new StorageCorruptionError(`commit index ${hardState.commit} is outside the log [${this.log.committed}, ${this.log.lastIndex()}]`)
    }
    this.log.committed = hardState.commit
    this.term = hardState.term
    this.vote = hardState.vote
    if (this.config.applied > 0) {
      if (this.config.applied > this.log.committed) {
        throw new RangeError(`applied ${this.config.applied} is beyond the commit index ${this.log.committed}`)
      }
      this.log.appliedTo(this.config.applied)
    }
    this.outbox = new Outbox(this.hardState())
    const context = this.makeContext()
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const core = this
    this.replicator = new Replicator(context)
    this.follower = new Follower(context)
    this.reads = new ReadIndexCoordinator(context, {
      broadcastHeartbeat: readContext => this.replicator.broadcastHeartbeat(readContext),
      pushReadState: read => this.outbox.pushReadState(read),
      leaseHolds: () => this.leaseHolds()
    })
    this.proposals = new LeaderProposals(context, {
      get transferee () { return core.transferee },
      maybeCommit: () => this.maybeCommit(),
      scheduleBroadcast: () => this.scheduleBroadcast()
    })
    this.receiverView = this.makeReceiverView()
    this.becomeFollower(this.term, undefined)
  }

  // ---------------------------------------------------------------- host API

  tick (): void {
    this.ticks++
    if (this.role === 'leader') this.tickHeartbeat()
    else this.tickElection()
  }

  step (message: Message): void {
    if (validateMessage(message, this.receiverView) === 'ignore') return
    if (message.type === 'propose' || message.type === 'readIndex') {
      this.stepForwarded(message)
      return
    }
    const chunkOutcome = message.type === 'snapshot' ? this.follower.receiveChunk(message) : undefined

    if (message.term > this.term) {
      if ((message.type === 'vote' || message.type === 'preVote') && !message.transfer && this.inLease(message.type)) {
        // We heard from a leader within the election timeout: do not let this candidate disrupt it.
        return
      }
      if (message.type === 'preVote' || (message.type === 'preVoteResponse' && !message.reject)) {
        // pre-votes are sent at our future term and never change a term
      } else if (message.type === 'append' || message.type === 'heartbeat' || message.type === 'snapshot') {
        this.becomeFollower(message.term, message.from)
      } else {
        this.becomeFollower(message.term, undefined)
      }
    } else if (message.term < this.term) {
      this.answerStaleMessage(message)
      return
    }

    if (message.type === 'vote' || message.type === 'preVote') this.handleVoteRequest(message)
    else if (this.role === 'leader') this.stepLeader(message)
    else if (this.role === 'follower') this.stepFollower(message, chunkOutcome)
    else this.stepCandidate(message, chunkOutcome)
  }

  propose (data: Uint8Array): void {
    this.proposeEntry({ type: 'normal', data })
  }

  /**
   * Membership changes are proposed at the leader only: a follower refuses with `NotLeaderError`
   * (naming the leader), and the leader drops forwarded config entries, so that no member — a
   * learner least of all — can change the membership by forwarding.
   */
  proposeConfChange (change: ConfChange): void {
    const data = encodeConfChange(change)
    if (this.role !== 'leader') throw new NotLeaderError(this.leader, 'membership changes are proposed at the leader')
    this.proposals.checkConfChange(change)
    this.proposeEntry({ type: 'config', data })
  }

  applyConfChange (change: ConfChange): ConfState {
    const next = applyConfChangeTo(this.tracker.confState, change)
    this.switchToConfiguration(next)
    return next
  }

  readIndex (context: Uint8Array): void {
    if (context.byteLength === 0) throw new RangeError('readIndex needs a non-empty context to match its answer')
    if (this.role === 'leader') {
      this.reads.request({ from: this.id, context })
      return
    }
    if (!this.config.forwardProposals) throw new NotLeaderError(this.leader)
    if (this.leader === undefined) throw new ProposalDroppedError('no leader is known to answer the read')
    this.outbox.send({ type: 'readIndex', from: this.id, to: this.leader, term: 0, context })
  }

  transferLeadership (to: NodeId): void {
    if (this.role !== 'leader') throw new NotLeaderError(this.leader)
    if (to === this.id) return
    if (this.tracker.progress.get(to) === undefined) throw new ProposalDroppedError(`cannot transfer leadership to ${to}: not a member`)
    if (!this.tracker.isVoter(to)) throw new ProposalDroppedError(`cannot transfer leadership to ${to}: a learner`)
    if (this.transferee === to) return
    this.startTransfer(to)
  }

  campaign (): void {
    this.hup(this.config.preVote ? 'pre-election' : 'election')
  }

  reportUnreachable (to: NodeId): void {
    if (this.role !== 'leader') return
    const progress = this.tracker.progress.get(to)
    if (progress?.state === 'replicate') progress.becomeProbe()
  }

  hasReady (): boolean {
    if (this.outbox.hasOutput() || this.broadcastPending) return true
    if (this.outbox.softStateChanged(this.leader, this.role)) return true
    if (this.outbox.hardStateChanged(this.term, this.vote, this.log.committed)) return true
    const unstable = this.log.unstable
    if (unstable.snapshot !== undefined && !unstable.snapshotInProgress) return true
    return unstable.hasNextEntries() || this.log.hasNextCommittedEntries()
  }

  ready (): Ready {
    this.flushBroadcast()
    const unstable = this.log.unstable
    const reported = this.outbox.reportedHardState
    const hardState = this.hardState()
    const hardStateChanged = this.outbox.hardStateChanged(this.term, this.vote, this.log.committed)
    const softStateChanged = this.outbox.softStateChanged(this.leader, this.role)
    const snapshot = unstable.snapshot !== undefined && !unstable.snapshotInProgress ? unstable.snapshot : undefined
    const entries = unstable.nextEntries()
    const committedEntries = this.log.takeNextCommittedEntries()
    const mustSync = hardState.term !== reported.term || hardState.vote !== reported.vote || entries.length > 0 || snapshot !== undefined
    unstable.acceptInProgress()
    const { messages, readStates } = this.outbox.take(this.leader, this.role, hardState)
    this.proposals.released(committedEntries)
    // one object shape for every Ready (absent parts are undefined): spreads here cost dearly
    return {
      softState: softStateChanged ? { leader: this.leader, role: this.role } : undefined,
      hardState: hardStateChanged ? hardState : undefined,
      snapshot,
      entries,
      committedEntries,
      messages,
      readStates,
      mustSync
    }
  }

  advance (ready: Ready): void {
    if (ready.snapshot !== undefined) this.log.stableSnapshotTo(ready.snapshot.metadata.index)
    if (ready.entries.length > 0) {
      const last = ready.entries[ready.entries.length - 1]
      this.log.stableTo(last.index, last.term)
      if (this.role === 'leader' && last.term === this.term) this.acknowledgeOwnEntries(last.index)
    }
    if (ready.committedEntries.length > 0) {
      this.log.appliedTo(ready.committedEntries[ready.committedEntries.length - 1].index)
    }
    if (this.role === 'leader') this.proposals.maybeLeaveJoint()
  }

  quorumActive (): boolean {
    return this.role === 'leader' && this.tracker.heardFromQuorumSince(this.ticks - this.config.electionTicks + 1, this.id)
  }

  status (): RaftStatus {
    let progress: Record<NodeId, ProgressStatus> | undefined
    if (this.role === 'leader') {
      progress = {}
      for (const [id, pr] of this.tracker.progress) progress[id] = pr.status()
    }
    return {
      id: this.id,
      term: this.term,
      vote: this.vote,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      role: this.role,
      leader: this.leader,
      confState: this.tracker.confState,
      ...(progress !== undefined ? { progress } : {}),
      quorumActive: this.quorumActive(),
      ...(this.transferee !== undefined ? { transferee: this.transferee } : {})
    }
  }

  // ---------------------------------------------------------------- time

  private tickElection (): void {
    this.electionElapsed++
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0
      this.hup(this.config.preVote ? 'pre-election' : 'election')
    }
  }

  private tickHeartbeat (): void {
    this.heartbeatElapsed++
    this.electionElapsed++
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0
      if (!this.checkQuorumRound()) return
      if (!this.tracker.isVoter(this.id)) {
        // a leader that is no longer a voter keeps handing over (while a quorum answers it)
        if (!this.config.checkQuorum) {
          this.becomeFollower(this.term, undefined)
          return
        }
        this.handOver()
      } else {
        // a transfer that did not finish within an election timeout is abandoned
        this.transferee = undefined
      }
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0
      this.replicator.broadcastHeartbeat(this.reads.heartbeatContext())
    }
  }

  /** Once per election timeout: step down without a quorum (check-quorum), then start a new round. Returns whether still leader. */
  private checkQuorumRound (): boolean {
    const self = this.tracker.progress.get(this.id)
    if (self !== undefined) self.recentActive = true
    if (this.config.checkQuorum && !this.tracker.quorumActive()) {
      this.becomeFollower(this.term, undefined)
      return false
    }
    for (const [id, progress] of this.tracker.progress) {
      if (id !== this.id) progress.recentActive = false
    }
    return true
  }

  /**
   * Whether a vote request must be ignored because a leader was heard from within the election
   * timeout: always for pre-votes (a pre-vote is granted only by a member that lost its leader),
   * and for votes with check-quorum (the leader lease).
   */
  private inLease (type: 'vote' | 'preVote'): boolean {
    const leaseApplies = this.config.checkQuorum || type === 'preVote'
    return leaseApplies && this.leader !== undefined && this.electionElapsed < this.config.electionTicks
  }

  // ---------------------------------------------------------------- roles

  private reset (term: number): void {
    if (term !== this.term) {
      this.term = term
      this.vote = ''
    }
    this.leaseForfeited = false
    this.leader = undefined
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.randomizedElectionTimeout = this.config.electionTicks + Math.floor(this.config.random.next() * this.config.electionTicks)
    this.transferee = undefined
    this.tracker.resetVotes()
    const lastIndex = this.log.lastIndex()
    for (const [id, progress] of this.tracker.progress) {
      progress.reset(lastIndex + 1)
      if (id === this.id) progress.match = lastIndex
    }
    this.proposals.reset()
    this.broadcastPending = false
    this.reads.reset()
  }

  private becomeFollower (term: number, leader: NodeId | undefined): void {
    this.reset(term)
    this.leader = leader
    this.role = 'follower'
  }

  private becomePreCandidate (): void {
    // A pre-candidate changes neither its term nor its vote.
    this.role = 'pre-candidate'
    this.tracker.resetVotes()
    this.leader = undefined
  }

  private becomeCandidate (): void {
    this.reset(this.term + 1)
    this.vote = this.id
    this.role = 'candidate'
  }

  private becomeLeader (): void {
    this.reset(this.term)
    this.leader = this.id
    this.role = 'leader'
    const self = this.tracker.progress.get(this.id)
    if (self !== undefined) {
      self.becomeReplicate()
      self.recentActive = true
    }
    // the votes just won came from a quorum
    for (const progress of this.tracker.progress.values()) progress.lastHeardAt = this.ticks
    this.proposals.startTerm()
  }

  private promotable (): boolean {
    return this.tracker.isVoter(this.id) && this.log.unstable.snapshot === undefined
  }

  // ---------------------------------------------------------------- elections

  private hup (kind: CampaignKind): void {
    if (this.role === 'leader' || !this.promotable()) return
    // A committed membership change must take effect before this member may lead.
    if (this.hasUnappliedConfChanges()) return
    this.startCampaign(kind)
  }

  private startCampaign (kind: CampaignKind): void {
    let voteTerm: number
    if (kind === 'pre-election') {
      this.becomePreCandidate()
      voteTerm = this.term + 1
    } else {
      this.becomeCandidate()
      voteTerm = this.term
    }
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'pre-election') this.startCampaign('election')
      else this.becomeLeader()
      return
    }
    const type = kind === 'pre-election' ? 'preVote' : 'vote'
    const lastIndex = this.log.lastIndex()
    const lastTerm = this.log.lastTerm()
    for (const id of this.tracker.voters()) {
      if (id === this.id) continue
      this.outbox.send({ type, from: this.id, to: id, term: voteTerm, lastIndex, lastTerm, transfer: kind === 'transfer' })
    }
  }

  private poll (id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    this.tracker.recordVote(id, granted)
    return this.tracker.tallyVotes()
  }

  private hasUnappliedConfChanges (): boolean {
    if (this.log.applied >= this.log.committed) return false
    let entries: Entry[]
    try {
      entries = this.log.slice(this.log.applied + 1, this.log.committed + 1)
    } catch {
      return false
    }
    return entries.some(entry => entry.type === 'config')
  }

  private handleVoteRequest (message: VoteMessage): void {
    const canVote = this.vote === message.from ||
      (this.vote === '' && this.leader === undefined) ||
      (message.type === 'preVote' && message.term > this.term)
    const responseType = message.type === 'vote' ? 'voteResponse' : 'preVoteResponse'
    if (canVote && this.log.isUpToDate(message.lastIndex, message.lastTerm)) {
      // Answer at the candidate's term: a pre-candidate ignores answers below its future term.
      this.outbox.send({ type: responseType, from: this.id, to: message.from, term: message.term, reject: false })
      if (message.type === 'vote') {
        this.electionElapsed = 0
        this.vote = message.from
      }
    } else {
      this.outbox.send({ type: responseType, from: this.id, to: message.from, term: this.term, reject: true })
    }
  }

  private handleVoteResponse (message: VoteResponseMessage): void {
    const result = this.poll(message.from, !message.reject)
    if (result === 'won') {
      if (this.role === 'pre-candidate') {
        this.startCampaign('election')
      } else {
        this.becomeLeader()
        this.replicator.broadcastAppend()
      }
    } else if (result === 'lost') {
      // a pre-candidate that lost returns to follower at its own term
      this.becomeFollower(this.term, undefined)
    }
  }

  /** A message from an earlier term: mostly dropped, but some need an answer to unstick the sender. */
  private answerStaleMessage (message: Message): void {
    if ((this.config.checkQuorum || this.config.preVote) && (message.type === 'append' || message.type === 'heartbeat')) {
      // A leader of an old term that cannot hear of the new term through votes (check-quorum
      // makes us ignore them) learns it here and steps down.
      this.outbox.send({ type: 'appendResponse', from: this.id, to: message.from, term: this.term, index: 0, reject: false, hintIndex: 0, hintTerm: 0 })
    } else if (message.type === 'preVote') {
      // Tell a pre-candidate behind us about our term, or a group with members at higher terms
      // and shorter logs could livelock (etcd-io/etcd#8501).
      this.outbox.send({ type: 'preVoteResponse', from: this.id, to: message.from, term: this.term, reject: true })
    }
  }

  // ---------------------------------------------------------------- steps by role

  private stepLeader (message: Message): void {
    const progress = 'from' in message ? this.tracker.progress.get(message.from) : undefined
    if (progress === undefined) return
    switch (message.type) {
      case 'appendResponse': {
        const ack = this.replicator.applyAppendResponse(message, progress)
        if (!ack.advanced) return
        if (this.maybeCommit()) this.scheduleBroadcast()
        else if (ack.wasPaused) this.replicator.sendAppend(message.from)
        this.replicator.fillPipeline(message.from)
        if (message.from === this.transferee && progress.match === this.log.lastIndex()) this.sendTimeoutNow(message.from)
        return
      }
      case 'heartbeatResponse':
        this.replicator.applyHeartbeatResponse(message.from, progress)
        this.reads.onHeartbeatResponse(message)
        return
      case 'snapshotResponse':
        this.replicator.applySnapshotResponse(message, progress)
        return
      default:
    }
  }

  private stepCandidate (message: Message, chunkOutcome: ChunkOutcome | undefined): void {
    switch (message.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        this.becomeFollower(message.term, message.from)
        this.stepFollower(message, chunkOutcome)
        return
      case 'readIndexResponse':
        this.outbox.pushReadState({ index: message.index, context: message.context })
        return
      case 'voteResponse':
      case 'preVoteResponse':
        if (message.type === (this.role === 'pre-candidate' ? 'preVoteResponse' : 'voteResponse')) this.handleVoteResponse(message)
        return
      default:
    }
  }

  private stepFollower (message: Message, chunkOutcome: ChunkOutcome | undefined): void {
    switch (message.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        this.electionElapsed = 0
        this.leader = message.from
        if (message.type === 'append') this.follower.handleAppend(message)
        else if (message.type === 'heartbeat') this.follower.handleHeartbeat(message)
        else this.follower.handleSnapshotChunk(message, chunkOutcome)
        return
      case 'timeoutNow':
        // leadership transfer: campaign at once, skipping pre-vote and leases
        this.hup('transfer')
        return
      case 'readIndexResponse':
        this.outbox.pushReadState({ index: message.index, context: message.context })
        return
      default:
    }
  }

  /** Proposals and reads forwarded by followers: only a leader acts on them, others drop them. */
  private stepForwarded (message: ProposeMessage | ReadIndexMessage): void {
    if (this.role !== 'leader') return
    if (message.type === 'readIndex') {
      if (message.context.byteLength > 0) this.reads.request({ from: message.from, context: message.context })
      return
    }
    if (message.entries.length > 0) this.proposals.propose(message.entries, false)
  }

  // ---------------------------------------------------------------- proposals

  private proposeEntry (proposal: Proposal): void {
    if (this.role === 'leader') {
      this.proposals.propose([proposal], true)
      return
    }
    if (!this.config.forwardProposals) throw new NotLeaderError(this.leader)
    if (this.leader === undefined) throw new ProposalDroppedError('no leader is known')
    this.outbox.send({ type: 'propose', from: this.id, to: this.leader, term: 0, entries: [{ term: 0, index: 0, type: proposal.type, data: proposal.data }] })
  }

  /** Commit what a quorum has, if it is of this term (Raft §5.4.2). Returns whether the commit index moved. */
  private maybeCommit (): boolean {
    if (!this.log.maybeCommit(this.tracker.committed(), this.term)) return false
    if (this.role === 'leader') this.reads.onCommit()
    return true
  }

  /**
   * Owe every follower an append. Proposals and commit advances that arrive between two `ready`
   * calls then leave in one append per follower instead of one each.
   */
  /** The leader's own log is durable up to `index`: count it, which may commit (a single voter commits here). */
  private acknowledgeOwnEntries (index: number): void {
    if (this.tracker.progress.get(this.id)?.maybeUpdate(index) === true && this.maybeCommit()) this.scheduleBroadcast()
  }

  private scheduleBroadcast (): void {
    this.broadcastPending = true
  }

  private flushBroadcast (): void {
    if (!this.broadcastPending) return
    this.broadcastPending = false
    if (this.role === 'leader') this.replicator.broadcastAppend()
  }

  // ---------------------------------------------------------------- membership

  private switchToConfiguration (confState: ConfState): void {
    this.tracker.setConfiguration(confState, this.log.lastIndex())
    if (this.role !== 'leader') return
    if (this.transferee !== undefined && !this.tracker.isVoter(this.transferee)) this.transferee = undefined
    if (!this.tracker.isVoter(this.id)) {
      this.handOver()
      return
    }
    // the quorum may have shrunk; new members need probing
    if (this.maybeCommit()) {
      this.scheduleBroadcast()
    } else {
      for (const id of this.tracker.progress.keys()) {
        if (id !== this.id) this.replicator.sendAppend(id, false)
      }
    }
  }

  /**
   * A leader that is no longer a voter (removed, or demoted to learner) steps down by handing
   * leadership to the most up-to-date voter. Stepping down at once could strand the group: the
   * remaining voters may not know yet that the change is committed, and so still count on this
   * member's vote, which it cannot give (its log is ahead of theirs). While handing over it takes
   * no proposals, keeps replicating (commitment now counts only the new voters, which also tells
   * them the change is committed) and retries every election timeout; it becomes a follower when
   * the new leader's term reaches it, or when check-quorum finds no quorum of the new voters.
   */
  private handOver (): void {
    let best: NodeId | undefined
    let bestMatch = -1
    for (const id of this.tracker.voters()) {
      const match = this.tracker.progress.get(id)?.match ?? 0
      if (id !== this.id && match > bestMatch) {
        best = id
        bestMatch = match
      }
    }
    if (best === undefined) {
      this.becomeFollower(this.term, undefined)
      return
    }
    if (this.maybeCommit()) this.scheduleBroadcast()
    this.startTransfer(best)
  }

  private startTransfer (to: NodeId): void {
    this.transferee = to
    // the transfer must finish within one election timeout
    this.electionElapsed = 0
    const progress = this.tracker.progress.get(to)
    if (progress !== undefined && progress.match === this.log.lastIndex()) this.sendTimeoutNow(to)
    else this.replicator.sendAppend(to)
  }

  /**
   * Tell an up-to-date transferee to campaign. A leader that is no longer a voter is done then: it
   * steps down (the new voters no longer talk to it, so it would not hear of the next term).
   */
  /**
   * The leader lease behind lease reads. Followers refuse to vote for an election timeout after
   * they last heard from the leader; the leader counts from when it received their answers, which
   * is later, so it trusts only answers from the last half election timeout (a margin for the
   * round trip and for clock drift between members). A handover forfeits the lease for the rest
   * of the term: the transferee campaigns with `transfer` set, which voters grant despite it.
   */
  private leaseHolds (): boolean {
    if (this.role !== 'leader' || this.leaseForfeited) return false
    const window = Math.max(1, Math.floor(this.config.electionTicks / 2))
    return this.tracker.heardFromQuorumSince(this.ticks - window + 1, this.id)
  }

  private sendTimeoutNow (to: NodeId): void {
    this.leaseForfeited = true
    this.replicator.sendTimeoutNow(to)
    if (!this.tracker.isVoter(this.id)) this.becomeFollower(this.term, undefined)
  }

  // ---------------------------------------------------------------- plumbing

  private hardState (): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed }
  }

  /** The state the parts share, read through getters so they always see the current values. */
  private makeContext (): CoreContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const core = this
    return {
      id: this.id,
      config: this.config,
      log: this.log,
      tracker: this.tracker,
      get term () { return core.term },
      get ticks () { return core.ticks },
      send: message => core.outbox.send(message)
    }
  }

  /** The member as message validation sees it. */
  private makeReceiverView (): ReceiverView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const core = this
    return {
      id: this.id,
      maxTermLead: this.config.maxTermLead,
      get term () { return core.term },
      get role () { return core.role },
      get leader () { return core.leader },
      isMember: id => core.tracker.isMember(id),
      get knowsNoConfiguration () { return isEmptyConfState(core.tracker.confState) },
      isUpToDate: (lastIndex, lastTerm) => core.log.isUpToDate(lastIndex, lastTerm),
      get followsLiveLeader () { return core.role === 'leader' || (core.leader !== undefined && core.electionElapsed < core.config.electionTicks) }
    }
  }
}
