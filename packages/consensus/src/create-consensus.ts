import { join } from 'node:path'
import { defineService, type MeshConfig, type ServiceFactory } from '@meshwork/core-mesh'
import type { GroupStore } from './group/group-store.js'
import { LevelGroupStore } from './group/level-group-store.js'
import { CONSENSUS_SERVICE, type ConsensusInit } from './service/consensus-api.js'
import { ConsensusNode, type ConsensusNodeComponents } from './service/consensus-node.js'
import { MemberDirectoryDiscovery } from './service/member-directory.js'
import { MeshChannelTransport } from './transport/mesh-channel-transport.js'
import type { RaftTransport } from './transport/raft-transport.js'

export interface MeshConsensusOptions extends ConsensusInit {
  /** Where groups are stored; default LevelDB in `<dataDir>/raft.level`, fsynced. */
  readonly store?: GroupStore
  /** How Raft messages travel; default core-mesh channels to directly connected members. */
  readonly transport?: (components: ConsensusNodeComponents) => RaftTransport
}

/**
 * The consensus service factory for `MeshConfig.services`: a `ConsensusNode` provided as
 * `consensus`, started and stopped with the node.
 */
export function meshConsensus (options: MeshConsensusOptions): ServiceFactory<ConsensusNode, ConsensusNodeComponents> {
  return defineService({
    name: CONSENSUS_SERVICE,
    needs: ['peerId', 'addresses', 'channels', 'logger', 'metrics', 'random', 'events'],
    provides: [CONSENSUS_SERVICE]
  }, (components: ConsensusNodeComponents) => new ConsensusNode(components, options, {
    store: options.store ?? new LevelGroupStore(join(options.dataDir, 'raft.level')),
    transport: options.transport?.(components) ?? new MeshChannelTransport(components)
  }))
}

/**
 * The discovery plugin factory reporting the control group's members (from its replicated
 * member directory) to the node, so that members connect to each other and not only to the
 * leader.
 */
export function consensusMemberDiscovery (): ServiceFactory<MemberDirectoryDiscovery, { consensus: ConsensusNode }> {
  return defineService({ name: 'raft-members', needs: [CONSENSUS_SERVICE] },
    (components: { consensus: ConsensusNode }) => new MemberDirectoryDiscovery(() => components.consensus))
}

/** A copy of `config` with the consensus service and its member discovery added. */
export function withConsensus (config: MeshConfig, options: MeshConsensusOptions): MeshConfig {
  return {
    ...config,
    services: [...(config.services ?? []), meshConsensus(options)],
    discovery: [...(config.discovery ?? []), consensusMemberDiscovery()]
  }
}
