import type { AbortOptions } from '@meshwork/core-mesh'
import type { ReadOnlyOption } from '../raft/core/config.js'
import type { NodeId, ProgressStatus, Role } from '../raft/core/types.js'
import type { ReplicatedKv } from '../kv/kv-types.js'

/** The service name under which a mesh node exposes {@link ConsensusService}. */
export const CONSENSUS_SERVICE = 'consensus'

/** The id of the mesh control group every consensus-enabled node belongs to. */
export const CONTROL_GROUP = 'control'

export interface ConsensusInit {
  /** Directory for the node's Raft state: every group's log and snapshots in one LevelDB database, `<dataDir>/raft.level`. */
  readonly dataDir: string
  /**
   * What the control group starts from when nothing is stored yet: `'seed'` founds a new group
   * with this node as its only voter; `'join'` (the default) waits to be added, asking the
   * members it is connected to. Ignored once state is stored.
   */
  readonly bootstrap?: 'seed' | 'join'
  /** Milliseconds per Raft tick. Default 20. */
  readonly tickMs?: number
  /** Election timeout in ticks (randomised up to twice this). Default 10. */
  readonly electionTicks?: number
  /** Heartbeat interval in ticks. Default 2. */
  readonly heartbeatTicks?: number
  /** Joining members are promoted from learner to voter while there are fewer voters than this. Default 5. */
  readonly maxVoters?: number
  /** How linearizable reads are confirmed. Default 'safe'. */
  readonly readOnly?: ReadOnlyOption
  /** Take a snapshot and compact the log every this many applied entries. Default 10,000. */
  readonly snapshotEntries?: number
  /** How long a write or linearizable read may wait before `ConsensusTimeoutError`. Default 5,000. */
  readonly requestTimeoutMs?: number
}

/** One group as the admin API shows it. */
export interface GroupStatus {
  readonly group: string
  readonly id: NodeId
  readonly role: Role
  readonly leader: NodeId | undefined
  readonly term: number
  readonly commit: number
  readonly applied: number
  readonly lastIndex: number
  readonly voters: readonly NodeId[]
  readonly learners: readonly NodeId[]
  /** Voters of the old configuration while a joint change is under way. */
  readonly outgoing: readonly NodeId[]
  /** Whether writes can commit now: a majority of voters heard from recently (leader), or a leader is known (follower). */
  readonly quorumActive: boolean
  /** The leader's view of each follower; present on the leader. */
  readonly progress?: Readonly<Record<NodeId, ProgressStatus>>
}

export interface ConsensusStatus {
  readonly id: NodeId
  readonly groups: readonly GroupStatus[]
}

/** The consensus service a mesh node exposes under {@link CONSENSUS_SERVICE}. */
export interface ConsensusService {
  /** The control group's replicated key-value store. */
  readonly kv: ReplicatedKv
  status(): ConsensusStatus
  /** Wait until the control group has a leader and this node is a member (joined), or the signal fires. */
  ready(options?: AbortOptions): Promise<void>
}
