import { MeshError } from '@meshwork/core-mesh'
import type { NodeId } from './raft/core/types.js'

/** Base of every error `@meshwork/consensus` raises. Match on `err.name`. */
export class ConsensusError extends MeshError {}

/**
 * This member cannot serve the request because it is not the leader, and forwarding is off or
 * not possible. `leader` is the current leader's id when this member knows it.
 */
export class NotLeaderError extends ConsensusError {
  constructor (readonly leader: NodeId | undefined, message?: string) {
    super(message ?? (leader === undefined ? 'not the leader, and no leader is known' : `not the leader; the leader is ${leader}`))
  }
}

/**
 * The proposal was not appended to the log and never will be: no leader is known, a leadership
 * transfer is under way, a membership change is already pending, or the leader stepped down.
 * Safe to retry.
 */
export class ProposalDroppedError extends ConsensusError {}

/**
 * The request was not answered in time. For a write the outcome is unknown: it may still be
 * committed later. Retry with the same request id to make the retry idempotent.
 */
export class ConsensusTimeoutError extends ConsensusError {}

/**
 * A majority of voters has not been heard from within an election timeout: writes and
 * linearizable reads are refused until it is. `reachable` / `voters` say how far off it is.
 */
export class QuorumUnavailableError extends ConsensusError {
  constructor (readonly reachable: number, readonly voters: number, message?: string) {
    super(message ?? `only ${reachable} of ${voters} voters reachable; a majority is needed`)
  }
}

/**
 * A message that a correct member never sends: refused, never applied. The host closes the
 * channel it came on and reports the sender. Subclasses say what was wrong.
 */
export class InvalidRaftMessageError extends ConsensusError {}

/** From a node that is not a member (voter, learner or outgoing voter) of the group. */
export class NonMemberMessageError extends InvalidRaftMessageError {
  constructor (readonly sender: NodeId, readonly group?: string) {
    super(`message from ${sender}, which is not a member${group === undefined ? '' : ` of group ${group}`}`)
  }
}

/** A term far beyond anything the group has seen (a forged or corrupt message). */
export class ImplausibleTermError extends InvalidRaftMessageError {
  constructor (readonly term: number, readonly limit: number) {
    super(`term ${term} is beyond the plausible limit ${limit}`)
  }
}

/**
 * An AppendEntries whose entries do not follow (prevIndex, prevTerm): indexes that are not
 * consecutive, terms that go backwards or exceed the message's term, or a commit index beyond
 * what the message can vouch for.
 */
export class InconsistentAppendError extends InvalidRaftMessageError {}

/** A snapshot chunk out of order, over its declared size, or assembled data whose checksum fails. */
export class CorruptSnapshotError extends InvalidRaftMessageError {}

/** Bytes on the Raft wire that do not decode as a message batch. */
export class MalformedRaftMessageError extends InvalidRaftMessageError {}

/**
 * Persisted Raft state failed a check on open or read: a record whose checksum fails, a gap in
 * the log, terms going backwards, a commit index past the log. The node refuses to start on it.
 */
export class StorageCorruptionError extends ConsensusError {}

/** The entries asked for were compacted into a snapshot. */
export class LogCompactedError extends ConsensusError {}

/** The entries asked for are not in the log yet. */
export class LogUnavailableError extends ConsensusError {}

/** A membership change that cannot be applied (removing the last voter, leaving a joint config that is not active, ...). */
export class InvalidConfChangeError extends ConsensusError {}

/** The group was stopped while the request was pending. */
export class GroupStoppedError extends ConsensusError {}

/** Bytes that do not decode as a KV command or KV snapshot. */
export class MalformedKvDataError extends ConsensusError {}

/** A key or value outside the limits (empty or over-long key, over-large value). */
export class InvalidKvRequestError extends ConsensusError {}
