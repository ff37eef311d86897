import type { RaftCoreConfig, ReadOnlyOption } from './config.js'

/** The defaults of {@link RaftCoreConfig}, as documented there. */
export const RAFT_DEFAULTS = Object.freeze({
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  readOnly: 'safe' as ReadOnlyOption,
  maxMessageBytes: 1024 * 1024,
  maxInflightMessages: 256,
  maxUncommittedBytes: 64 * 1024 * 1024,
  snapshotChunkBytes: 1024 * 1024,
  forwardProposals: true,
  applied: 0,
  maxTermLead: 1_000_000
})

/** A {@link RaftCoreConfig} with every option filled in. */
export type ResolvedRaftConfig = Required<RaftCoreConfig>

/** Fill in defaults and check the options; throws `RangeError` naming the bad option. */
export function resolveRaftConfig (config: RaftCoreConfig): ResolvedRaftConfig {
  const resolved: ResolvedRaftConfig = {
    id: config.id,
    storage: config.storage,
    random: config.random,
    electionTicks: config.electionTicks ?? RAFT_DEFAULTS.electionTicks,
    heartbeatTicks: config.heartbeatTicks ?? RAFT_DEFAULTS.heartbeatTicks,
    preVote: config.preVote ?? RAFT_DEFAULTS.preVote,
    checkQuorum: config.checkQuorum ?? RAFT_DEFAULTS.checkQuorum,
    readOnly: config.readOnly ?? RAFT_DEFAULTS.readOnly,
    maxMessageBytes: config.maxMessageBytes ?? RAFT_DEFAULTS.maxMessageBytes,
    maxInflightMessages: config.maxInflightMessages ?? RAFT_DEFAULTS.maxInflightMessages,
    maxUncommittedBytes: config.maxUncommittedBytes ?? RAFT_DEFAULTS.maxUncommittedBytes,
    snapshotChunkBytes: config.snapshotChunkBytes ?? RAFT_DEFAULTS.snapshotChunkBytes,
    forwardProposals: config.forwardProposals ?? RAFT_DEFAULTS.forwardProposals,
    applied: config.applied ?? RAFT_DEFAULTS.applied,
    maxTermLead: config.maxTermLead ?? RAFT_DEFAULTS.maxTermLead
  }
  if (typeof resolved.id !== 'string' || resolved.id === '') throw new RangeError('id must be a non-empty string')
  for (const key of ['electionTicks', 'heartbeatTicks', 'maxMessageBytes', 'maxInflightMessages', 'maxUncommittedBytes', 'snapshotChunkBytes', 'maxTermLead'] as const) {
    const value = resolved[key]
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, got ${value}`)
  }
  if (!Number.isSafeInteger(resolved.applied) || resolved.applied < 0) throw new RangeError(`applied must be a non-negative integer, got ${resolved.applied}`)
  if (resolved.heartbeatTicks >= resolved.electionTicks) {
    throw new RangeError(`heartbeatTicks (${resolved.heartbeatTicks}) must be less than electionTicks (${resolved.electionTicks})`)
  }
  if (resolved.readOnly === 'lease' && !resolved.checkQuorum) throw new RangeError("readOnly 'lease' needs checkQuorum")
  if (resolved.readOnly !== 'lease' && resolved.readOnly !== 'safe') throw new RangeError(`unknown readOnly option ${String(resolved.readOnly)}`)
  return resolved
}
