import type { RandomSource } from '@meshwork/core-mesh'
import type { LogStorage } from './log-storage.js'
import type { ConfChange, ConfState, Message, NodeId, RaftStatus, Ready } from './types.js'

/** How linearizable reads are confirmed. */
export type ReadOnlyOption =
  /** ReadIndex: the leader confirms it is still leader with a heartbeat round to a quorum. */
  | 'safe'
  /**
   * Lease: the leader answers at once while its lease holds (it heard from a quorum within the
   * election timeout, and check-quorum makes a leader that cannot step down). Relies on bounded
   * clock drift between members.
   */
  | 'lease'

export interface RaftCoreConfig {
  /** This member's id. */
  readonly id: NodeId
  /** Durable state to start from. */
  readonly storage: LogStorage
  /** The random source used to spread election timeouts. */
  readonly random: RandomSource
  /**
   * Ticks without hearing from a leader before a follower campaigns. The actual timeout is drawn
   * in [electionTicks, 2 × electionTicks). Default 10.
   */
  readonly electionTicks?: number
  /** Ticks between leader heartbeats. Must be < electionTicks. Default 1. */
  readonly heartbeatTicks?: number
  /** Ask for votes with a pre-vote round first, so a partitioned member cannot disrupt the group. Default true. */
  readonly preVote?: boolean
  /** A leader that has not heard from a quorum within an election timeout steps down. Default true. */
  readonly checkQuorum?: boolean
  /** Default 'safe'. 'lease' needs checkQuorum. */
  readonly readOnly?: ReadOnlyOption
  /** Bytes of entries per append message (at least one entry is always sent). Default 1 MiB. */
  readonly maxMessageBytes?: number
  /** Append messages in flight to one follower before waiting for acknowledgements. Default 256. */
  readonly maxInflightMessages?: number
  /** Bytes of proposed but uncommitted entries the leader accepts before dropping proposals. Default 64 MiB. */
  readonly maxUncommittedBytes?: number
  /** Bytes per snapshot chunk. Default 1 MiB. */
  readonly snapshotChunkBytes?: number
  /** Forward proposals and read requests from followers to the leader. Default true. */
  readonly forwardProposals?: boolean
  /** The last applied index when restarting; entries at or below are not handed out again. Default 0. */
  readonly applied?: number
  /** Refuse messages whose term is more than this far ahead of ours. Default 1,000,000. */
  readonly maxTermLead?: number
}

/**
 * The Raft state machine, driven by its host. Every method is synchronous and does no I/O.
 *
 * Errors: `step` throws an `InvalidRaftMessageError` subclass for a message no correct member
 * sends (the message is not applied, and the core's state is unchanged); `propose`,
 * `proposeConfChange`, `readIndex` and `transferLeadership` throw `ProposalDroppedError` (or
 * `NotLeaderError` when forwarding is off) when they cannot be accepted.
 */
export interface RaftCoreApi {
  readonly id: NodeId
  /** Advance logical time by one tick (the host calls it every tick interval). */
  tick(): void
  /** Feed a message from another member. */
  step(message: Message): void
  /** Propose data for the log (forwarded to the leader from a follower). */
  propose(data: Uint8Array): void
  /** Propose a membership change. Only one may be pending at a time. */
  proposeConfChange(change: ConfChange): void
  /**
   * Called by the host when it applies a committed `config` entry: the change takes effect
   * here, and the resulting configuration is returned (persist it with the applied state).
   */
  applyConfChange(change: ConfChange): ConfState
  /** Ask for a linearizable read point; answered with a `ReadState` carrying `context`. */
  readIndex(context: Uint8Array): void
  /** Hand leadership to `to` (leader only). */
  transferLeadership(to: NodeId): void
  /** Start an election now (tests and the leader-election API). */
  campaign(): void
  /** Tell the leader that `to` could not be reached, so it backs off to probing. */
  reportUnreachable(to: NodeId): void
  hasReady(): boolean
  /** What the host must do now. Call `advance` with it once done. */
  ready(): Ready
  advance(ready: Ready): void
  status(): RaftStatus
  /** Leader only: whether a quorum was heard from within the last election timeout (`status().quorumActive`, without building the status). */
  quorumActive(): boolean
}
