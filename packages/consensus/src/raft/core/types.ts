/**
 * The vocabulary of the Raft core: log entries, persistent state, membership configurations,
 * snapshots, the messages members exchange, and the `Ready` batch the core hands to its host.
 *
 * Everything here is plain data. The core never touches a socket, a disk or the wall clock: the
 * host feeds it messages (`step`) and ticks (`tick`), and collects a `Ready`:
 *
 *   1. persist `ready.snapshot`, `ready.entries` and `ready.hardState` (fsync when `mustSync`);
 *   2. send `ready.messages`;
 *   3. apply `ready.committedEntries` to the state machine, and serve `ready.readStates`;
 *   4. call `advance(ready)`.
 *
 * Messages must not leave before the state they depend on is durable: a vote or an
 * acknowledgement of entries that a crash could forget breaks Raft's safety.
 */

/** A member's id. In a mesh this is the peer id string; in simulations any unique string. */
export type NodeId = string

/** Kinds of log entry. `config` entries carry an encoded {@link ConfChange}. */
export type EntryType = 'normal' | 'config'

export interface Entry {
  readonly term: number
  readonly index: number
  readonly type: EntryType
  /** Opaque to the core for `normal` entries; empty for the leader's no-op of a new term. */
  readonly data: Uint8Array
}

/** What must survive a crash besides the log. */
export interface HardState {
  readonly term: number
  /** Who this member voted for in `term`; '' for nobody. */
  readonly vote: NodeId
  readonly commit: number
}

/**
 * A membership configuration. While `outgoing` is non-empty the group is in a joint configuration:
 * elections and commitment need a majority of `voters` AND a majority of `outgoing`.
 * Learners receive the log but never vote and never count towards a quorum.
 */
export interface ConfState {
  readonly voters: readonly NodeId[]
  readonly learners: readonly NodeId[]
  /** The voters of the old configuration during a joint change; empty otherwise. */
  readonly outgoing: readonly NodeId[]
  /**
   * Learners that are voters in `outgoing` and will become learners when the joint configuration
   * is left (demotion of a voter to learner).
   */
  readonly learnersNext: readonly NodeId[]
  /** Leave the joint configuration automatically once it is committed. */
  readonly autoLeave: boolean
}

export type ConfChangeType = 'addVoter' | 'addLearner' | 'removeNode'

export interface ConfChangeSingle {
  readonly type: ConfChangeType
  readonly node: NodeId
}

/**
 * A membership change. One voter change with `transition: 'auto'` is applied directly (a simple
 * change); anything else goes through a joint configuration. `changes: []` with a joint
 * configuration active means "leave the joint configuration".
 */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[]
  /** 'auto': simple when safe, else joint with auto-leave. 'joint-implicit': joint, auto-leave. 'joint-explicit': joint, the host leaves it. */
  readonly transition: 'auto' | 'joint-implicit' | 'joint-explicit'
  /** Carried through to the host when the change is applied (e.g. a request id). */
  readonly context?: Uint8Array
}

export interface SnapshotMetadata {
  /** Index and term of the last entry the snapshot covers. */
  readonly index: number
  readonly term: number
  /** The membership configuration as of `index`. */
  readonly confState: ConfState
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata
  /** The state machine's serialised state; opaque to the core. */
  readonly data: Uint8Array
}

/** A linearizable read that the leader has confirmed: serve it once `applied >= index`. */
export interface ReadState {
  readonly index: number
  /** The context the host passed to `readIndex`, to match the answer to the request. */
  readonly context: Uint8Array
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader'

/** Volatile state that the host may want to observe; changes are reported in `Ready.softState`. */
export interface SoftState {
  readonly leader: NodeId | undefined
  readonly role: Role
}

interface MessageBase {
  readonly from: NodeId
  readonly to: NodeId
  /** The sender's term; 0 only for a local proposal or read request that has no term. */
  readonly term: number
}

/** Leader → follower: entries after (prevIndex, prevTerm), and the leader's commit index. */
export interface AppendMessage extends MessageBase {
  readonly type: 'append'
  readonly prevIndex: number
  readonly prevTerm: number
  readonly entries: readonly Entry[]
  readonly commit: number
}

/**
 * Follower → leader. Accepted: `index` is the last index now matching the leader's log.
 * Rejected: `index` is the rejected `prevIndex`, and `hintIndex`/`hintTerm` let the leader skip
 * back a whole term at a time (the fast log backtracking of etcd-io/raft).
 */
export interface AppendResponseMessage extends MessageBase {
  readonly type: 'appendResponse'
  readonly index: number
  readonly reject: boolean
  readonly hintIndex: number
  readonly hintTerm: number
}

/** Candidate → voters. A pre-vote is sent at `term + 1` without the sender incrementing its term. */
export interface VoteMessage extends MessageBase {
  readonly type: 'vote' | 'preVote'
  readonly lastIndex: number
  readonly lastTerm: number
  /** Set when the election follows a leadership transfer: voters ignore their leader lease. */
  readonly transfer: boolean
}

export interface VoteResponseMessage extends MessageBase {
  readonly type: 'voteResponse' | 'preVoteResponse'
  readonly reject: boolean
}

/** Leader → follower. `context` is non-empty when the heartbeat confirms a ReadIndex round. */
export interface HeartbeatMessage extends MessageBase {
  readonly type: 'heartbeat'
  readonly commit: number
  readonly context: Uint8Array
}

export interface HeartbeatResponseMessage extends MessageBase {
  readonly type: 'heartbeatResponse'
  readonly context: Uint8Array
}

/**
 * Leader → follower: one chunk of a snapshot. Chunks are sent in order; the first carries
 * `offset: 0`. `checksum` (CRC-32C of the whole data) and `totalSize` are the same on every chunk
 * of one snapshot; the follower installs only when the last chunk (`done`) arrives and the
 * assembled data matches both.
 */
export interface SnapshotChunkMessage extends MessageBase {
  readonly type: 'snapshot'
  readonly metadata: SnapshotMetadata
  readonly offset: number
  readonly data: Uint8Array
  readonly done: boolean
  readonly totalSize: number
  readonly checksum: number
}

/**
 * Follower → leader about a snapshot in flight: `offset` is the number of bytes received so far
 * (the next chunk to send), `reject` asks the leader to start the snapshot over.
 */
export interface SnapshotResponseMessage extends MessageBase {
  readonly type: 'snapshotResponse'
  readonly index: number
  readonly offset: number
  readonly reject: boolean
}

/** Leader → transfer target: start an election now, ignoring the election timer. */
export interface TimeoutNowMessage extends MessageBase {
  readonly type: 'timeoutNow'
}

/** Follower → leader: proposals forwarded from a follower's clients. */
export interface ProposeMessage extends MessageBase {
  readonly type: 'propose'
  readonly entries: readonly Entry[]
}

/** Follower → leader: a forwarded ReadIndex request. */
export interface ReadIndexMessage extends MessageBase {
  readonly type: 'readIndex'
  readonly context: Uint8Array
}

/** Leader → follower: the answer to a forwarded ReadIndex request. */
export interface ReadIndexResponseMessage extends MessageBase {
  readonly type: 'readIndexResponse'
  readonly index: number
  readonly context: Uint8Array
}

export type Message =
  | AppendMessage
  | AppendResponseMessage
  | VoteMessage
  | VoteResponseMessage
  | HeartbeatMessage
  | HeartbeatResponseMessage
  | SnapshotChunkMessage
  | SnapshotResponseMessage
  | TimeoutNowMessage
  | ProposeMessage
  | ReadIndexMessage
  | ReadIndexResponseMessage

export type MessageType = Message['type']

/**
 * What the core asks of its host since the last `advance`. Empty fields mean nothing to do.
 * See the file comment for the order in which the host must act on it.
 */
export interface Ready {
  /** Present when the leader or role changed. */
  readonly softState?: SoftState
  /** Present when term, vote or commit changed; persist it. */
  readonly hardState?: HardState
  /** A snapshot received from the leader; persist it (it replaces the log up to its index). */
  readonly snapshot?: Snapshot
  /** New log entries to persist, in order; they may overwrite a conflicting suffix. */
  readonly entries: readonly Entry[]
  /** Committed entries to apply, in order. */
  readonly committedEntries: readonly Entry[]
  /** Messages to send once the above is durable. */
  readonly messages: readonly Message[]
  /** Linearizable reads confirmed by the leader. */
  readonly readStates: readonly ReadState[]
  /** Whether the persisted part must be fsynced before messages leave (term, vote or entries changed). */
  readonly mustSync: boolean
}

/** Per-follower replication state, as the leader sees it. */
export interface ProgressStatus {
  readonly match: number
  readonly next: number
  readonly state: 'probe' | 'replicate' | 'snapshot'
  readonly recentActive: boolean
  readonly inflight: number
  readonly learner: boolean
}

/** A snapshot of the core's state, for the admin API and tests. */
export interface RaftStatus {
  readonly id: NodeId
  readonly term: number
  readonly vote: NodeId
  readonly commit: number
  readonly applied: number
  readonly lastIndex: number
  readonly role: Role
  readonly leader: NodeId | undefined
  readonly confState: ConfState
  /** Present on the leader only. */
  readonly progress?: Readonly<Record<NodeId, ProgressStatus>>
  /** On the leader: whether a quorum was heard from within the last election timeout. */
  readonly quorumActive: boolean
  /** Set while a leadership transfer is under way. */
  readonly transferee?: NodeId
}
