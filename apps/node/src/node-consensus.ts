/**
 * The reference node's Raft (`@meshwork/consensus`): the mesh's control group and its replicated
 * key-value store, added to a node's mesh config when `consensus.enabled`, found on the started
 * node by its service name, summarised for `/api/health`, and logged once it is ready.
 */
import type { Logger, MeshConfig } from '@meshwork/core-mesh'
import { CONSENSUS_SERVICE, CONTROL_GROUP, withConsensus, type ConsensusInit, type GroupStatus } from '@meshwork/consensus'
import type { ConsensusConfig } from './config/node-config.js'
import type { MeshNodeApi, NodeConsensus } from './node-api.js'

/** The consensus part of `/api/health`: off, or this node's view of the control group. */
export type ConsensusHealth =
  | { enabled: false }
  | {
    enabled: true
    /** This node's role in the control group; null until the group exists here (a joining node). */
    role: GroupStatus['role'] | null
    /** The leader's peer id, or null while none is known. */
    leader: string | null
    term: number
    /** Whether writes can commit now (a quorum heard from recently, or a known leader). */
    quorumActive: boolean
    /** Voters of the control group. */
    voters: number
    /** Whether this node is a voter or learner of the control group yet. */
    member: boolean
  }

/**
 * A copy of `meshConfig` with the consensus service added when it is enabled: Raft state under
 * `config.dataDir`, the control group seeded or joined as `config.bootstrap` says. Call it once
 * per node: the service belongs to one node.
 */
export function addConsensus (meshConfig: MeshConfig, config: ConsensusConfig): MeshConfig {
  if (!config.enabled) return meshConfig
  const init: ConsensusInit = {
    dataDir: config.dataDir,
    bootstrap: config.bootstrap,
    readOnly: config.readOnly,
    ...definedOnly({ tickMs: config.tickMs, electionTicks: config.electionTicks, maxVoters: config.maxVoters })
  }
  return withConsensus(meshConfig, init)
}

/** The started node's consensus service, or undefined when it runs without one. */
export function consensusOf (node: Pick<MeshNodeApi, 'service'>): NodeConsensus | undefined {
  return node.service<NodeConsensus>(CONSENSUS_SERVICE)
}

/** The control group as this node sees it; undefined until it exists here. */
export function controlGroupOf (consensus: Pick<NodeConsensus, 'status'>): GroupStatus | undefined {
  return consensus.status().groups.find(group => group.group === CONTROL_GROUP)
}

export function consensusHealth (consensus: Pick<NodeConsensus, 'status'> | undefined): ConsensusHealth {
  if (consensus === undefined) return { enabled: false }
  const group = controlGroupOf(consensus)
  if (group === undefined) return { enabled: true, role: null, leader: null, term: 0, quorumActive: false, voters: 0, member: false }
  return {
    enabled: true,
    role: group.role,
    leader: group.leader ?? null,
    term: group.term,
    quorumActive: group.quorumActive,
    voters: group.voters.length,
    member: group.voters.includes(group.id) || group.learners.includes(group.id)
  }
}

/**
 * Logs `consensus ready` once the control group has a leader and this node is a member, or a
 * warning if waiting fails for another reason than `signal` (the node stopping). Never throws.
 */
export async function logConsensusReady (consensus: NodeConsensus, logger: Logger, signal: AbortSignal): Promise<void> {
  try {
    await consensus.ready({ signal })
    const health = consensusHealth(consensus)
    if (health.enabled) logger.info({ role: health.role, leader: health.leader, term: health.term, voters: health.voters }, 'consensus ready')
  } catch (err) {
    if (!signal.aborted) logger.warn({ err }, 'consensus did not become ready')
  }
}

/** Unset tunables are left out, so that the package's defaults apply. */
function definedOnly<T extends object> (object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>
}
