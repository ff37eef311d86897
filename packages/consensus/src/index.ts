/**
 * @packageDocumentation
 *
 * `@meshwork/consensus` — Raft for a Meshwork mesh, and a linearizable replicated key-value
 * store on it.
 *
 * - `RaftCore`: an I/O-free Raft state machine in the manner of etcd-io/raft (`step` / `tick` /
 *   `ready` / `advance`) with pre-vote, check-quorum, leadership transfer, joint-consensus
 *   membership changes and learners, chunked snapshot install, log compaction, batching and
 *   pipelining with in-flight limits, ReadIndex and lease reads, and proposal forwarding.
 * - `RaftGroup`: hosts a core — persist (fsync) → send → apply → serve reads → advance.
 * - `RaftStorageEngine`: every group of a node in one LevelDB (`classic-level`), fsynced before
 *   anything is acknowledged, every record checksummed; corruption refuses to start.
 * - `MeshChannelTransport`: Raft batches on core-mesh channels, one frame per peer per turn for
 *   all groups (batched heartbeats). `RaftTransport` is the seam for routed transports.
 * - `ConsensusNode` (`withConsensus(meshConfig, options)`): many groups per node, the mesh
 *   control group with join and learner promotion, `LeaderElection`, and `RaftKv` with
 *   linearizable get / put / compare-and-set / delete and typed errors.
 */
export * from './errors.js'
export * from './constants.js'
export type * from './raft/core/types.js'
export type { LogStorage } from './raft/core/log-storage.js'
export type { RaftCoreConfig, RaftCoreApi, ReadOnlyOption } from './raft/core/config.js'
export { RaftCore } from './raft/core/raft-core.js'
export { encodeConfChange, decodeConfChange } from './raft/core/conf-change-codec.js'
export { MemoryLogStorage } from './storage/memory-log-storage.js'
export { RaftStorageEngine } from './storage/level-raft-storage.js'
export type { StateMachine } from './state-machine.js'
export { RaftGroup, type RaftGroupInit, type GroupCoreOptions } from './group/raft-group.js'
export { MemoryGroupPersistence, type GroupPersistence, type PersistUpdate } from './group/group-persistence.js'
export { MemoryGroupStore, type GroupStore } from './group/group-store.js'
export { LevelGroupStore } from './group/level-group-store.js'
export type { RaftTransport, RaftEnvelope, RaftBatchHandler, TransportStats } from './transport/raft-transport.js'
export { MeshChannelTransport, type MeshChannelTransportInit } from './transport/mesh-channel-transport.js'
export { encodeRaftBatch, decodeRaftBatch } from './wire/raft-batch-codec.js'
export type * from './kv/kv-types.js'
export { KV_LIMITS } from './kv/kv-limits.js'
export { KvStateMachine } from './kv/kv-state-machine.js'
export { RaftKv, type RaftKvInit } from './kv/raft-kv.js'
export { encodeKvCommand, decodeKvCommand } from './kv/kv-command-codec.js'
export { CONSENSUS_SERVICE, CONTROL_GROUP, type ConsensusInit, type ConsensusService, type ConsensusStatus, type GroupStatus } from './service/consensus-api.js'
export { ConsensusNode, type ConsensusNodeComponents, type HostedGroup, type OpenGroupOptions } from './service/consensus-node.js'
export { LeaderElection, type LeaderListener } from './service/leader-election.js'
export { meshConsensus, withConsensus, consensusMemberDiscovery, type MeshConsensusOptions } from './create-consensus.js'
export { MemberDirectoryDiscovery, type MemberDirectorySource } from './service/member-directory.js'
