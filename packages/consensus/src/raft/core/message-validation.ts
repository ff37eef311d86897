import { ImplausibleTermError, InconsistentAppendError, InvalidRaftMessageError, NonMemberMessageError } from '../../errors.js'
import { checkInvariants } from './configuration.js'
import type { AppendMessage, ConfState, Entry, Message, MessageType, NodeId, Role } from './types.js'

/** Message types that only the leader of the message's term sends. */
const LEADER_ONLY: ReadonlySet<MessageType> = new Set<MessageType>(['append', 'heartbeat', 'snapshot', 'timeoutNow', 'readIndexResponse'])

/** Answers to requests this member sent. */
const RESPONSES: ReadonlySet<MessageType> = new Set<MessageType>(['appendResponse', 'voteResponse', 'preVoteResponse', 'heartbeatResponse', 'snapshotResponse'])

/** Whether only a leader sends messages of `type`. */
export function isLeaderOnly (type: MessageType): boolean {
  return LEADER_ONLY.has(type)
}

/** What the checks need to know of the receiving member. */
export interface ReceiverView {
  readonly id: NodeId
  readonly term: number
  readonly role: Role
  readonly leader: NodeId | undefined
  readonly maxTermLead: number
  /** Whether `id` is in the member's configuration (either half, learners, pending learners). */
  isMember(id: NodeId): boolean
  /** Whether the member knows no configuration at all (it is joining and has no log yet). */
  readonly knowsNoConfiguration: boolean
  /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date as the member's. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean
  /**
   * Whether the member is in contact with a live leader of its configuration: it is the leader,
   * or it heard from its leader within the election timeout.
   */
  readonly followsLiveLeader: boolean
}

/** Whether a message passed the checks, or is an honest but outdated answer to drop quietly. */
export type Verdict = 'accept' | 'ignore'

/**
 * Checks a message from the network before the core acts on it; throws an
 * `InvalidRaftMessageError` subclass for a message that no correct member sends, and changes
 * nothing. Returns 'ignore' for messages that are not wrong but must be dropped.
 *
 * Membership rules (what a message from an id outside our configuration gets):
 * - a member that knows no configuration yet (joining, empty log) accepts everything: it cannot
 *   tell members apart, and the leader adding it must reach it;
 * - leader-only messages (append, heartbeat, snapshot, timeoutNow, readIndexResponse) at a term
 *   at least ours are accepted once we have lost contact with our own leader (nothing heard for
 *   an election timeout): the sender may lead a configuration we have not applied yet (we lag,
 *   or it was added while we were away), and refusing it would keep us stale for ever. While our
 *   leader is alive they are refused (`NonMemberMessageError`): a peer outside the group cannot
 *   take a healthy group over by claiming a newer term. At a lower term they are refused too;
 * - answers (append/vote/pre-vote/heartbeat/snapshot responses) are ignored: they come from a
 *   member removed after we wrote to it;
 * - vote and pre-vote requests are refused (`NonMemberMessageError`) when the candidate's log is
 *   behind ours: a removed member (whose log lacks at least its removal, or which would not
 *   campaign) cannot disrupt the group. A candidate whose log is at least as up to date as ours
 *   may be a voter of a configuration we have not applied yet, and the group may need our vote to
 *   elect it (we may be the lagging member of a two-voter group), so it is answered as usual;
 *   voting stays safe either way, since it only ever favours up-to-date logs;
 * - other requests (propose, readIndex) are refused (`NonMemberMessageError`).
 */
export function validateMessage (message: Message, view: ReceiverView): Verdict {
  checkShape(message, view.id)
  const limit = view.term + view.maxTermLead
  if (message.term > limit) throw new ImplausibleTermError(message.term, limit)
  if (!view.isMember(message.from) && !view.knowsNoConfiguration) {
    if (RESPONSES.has(message.type)) return 'ignore'
    const mayLead = isLeaderOnly(message.type)
      ? message.term >= view.term && (!view.followsLiveLeader || message.from === view.leader)
      : (message.type === 'vote' || message.type === 'preVote') && view.isUpToDate(message.lastIndex, message.lastTerm)
    if (!mayLead) throw new NonMemberMessageError(message.from)
  }
  if (isLeaderOnly(message.type) && message.term === view.term) {
    if (view.role === 'leader') {
      throw new InvalidRaftMessageError(`${message.type} from ${message.from} claims leadership of term ${message.term}, which this member leads`)
    }
    if (view.leader !== undefined && view.leader !== message.from) {
      throw new InvalidRaftMessageError(`${message.type} from ${message.from} in term ${message.term}, whose leader is ${view.leader}`)
    }
  }
  if (message.type === 'append') checkAppend(message)
  return 'accept'
}

/**
 * The entries of an append must follow (prevIndex, prevTerm) one index at a time, with terms that
 * never decrease, start at prevTerm or later, and do not pass the leader's term.
 */
export function checkAppend (message: AppendMessage): void {
  if (message.prevTerm > message.term) {
    throw new InconsistentAppendError(`prevTerm ${message.prevTerm} is beyond the message's term ${message.term}`)
  }
  let previousTerm = message.prevTerm
  const entries = message.entries
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    checkEntryShape(entry)
    if (entry.index !== message.prevIndex + 1 + i) {
      throw new InconsistentAppendError(`entry ${i} has index ${entry.index}, expected ${message.prevIndex + 1 + i}`)
    }
    if (entry.term < previousTerm) {
      throw new InconsistentAppendError(`entry ${entry.index} has term ${entry.term}, below the term ${previousTerm} before it`)
    }
    if (entry.term > message.term) {
      throw new InconsistentAppendError(`entry ${entry.index} has term ${entry.term}, beyond the message's term ${message.term}`)
    }
    previousTerm = entry.term
  }
}

function checkShape (message: Message, self: NodeId): void {
  if (message.to !== self) throw new InvalidRaftMessageError(`message addressed to ${message.to} reached ${self}`)
  if (message.from === self) throw new InvalidRaftMessageError('message claims to come from this member')
  if (typeof message.from !== 'string' || message.from === '') throw new InvalidRaftMessageError('message has no sender')
  if (!isCount(message.term)) throw new InvalidRaftMessageError(`bad term ${String(message.term)}`)
  switch (message.type) {
    case 'append':
      requireCounts(message, message.prevIndex, message.prevTerm, message.commit)
      break
    case 'appendResponse':
      requireCounts(message, message.index, message.hintIndex, message.hintTerm)
      break
    case 'vote':
    case 'preVote':
      requireCounts(message, message.lastIndex, message.lastTerm)
      if (message.lastTerm > message.term) throw new InvalidRaftMessageError(`${message.type} with a last log term ${message.lastTerm} beyond its term ${message.term}`)
      break
    case 'heartbeat':
      requireCounts(message, message.commit)
      requireBytes(message, message.context)
      break
    case 'heartbeatResponse':
    case 'readIndex':
      requireBytes(message, message.context)
      break
    case 'snapshot':
      requireCounts(message, message.metadata.index, message.metadata.term, message.offset, message.totalSize)
      requireBytes(message, message.data)
      checkConfStateShape(message.metadata.confState)
      if (message.metadata.term > message.term) throw new InvalidRaftMessageError(`snapshot of term ${message.metadata.term} beyond the message's term ${message.term}`)
      break
    case 'snapshotResponse':
      requireCounts(message, message.index, message.offset)
      break
    case 'readIndexResponse':
      requireCounts(message, message.index)
      requireBytes(message, message.context)
      break
    case 'propose':
      for (const entry of message.entries) checkEntryShape(entry)
      break
    case 'voteResponse':
    case 'preVoteResponse':
    case 'timeoutNow':
      break
    default:
      throw new InvalidRaftMessageError(`unknown message type ${String((message as { type: unknown }).type)}`)
  }
}

/** A snapshot's configuration must be well formed before it can be installed. */
function checkConfStateShape (confState: ConfState): void {
  const lists = [confState?.voters, confState?.learners, confState?.outgoing, confState?.learnersNext]
  const wellTyped = lists.every(list => Array.isArray(list) && list.every(id => typeof id === 'string' && id !== '')) &&
    typeof confState.autoLeave === 'boolean'
  if (!wellTyped) throw new InvalidRaftMessageError('snapshot carries a malformed configuration')
  try {
    checkInvariants(confState)
  } catch (err) {
    throw new InvalidRaftMessageError(`snapshot carries an inconsistent configuration: ${(err as Error).message}`)
  }
}

function checkEntryShape (entry: Entry): void {
  if (!(entry.data instanceof Bytes)) throw new InvalidRaftMessageError('entry data is not bytes')
  if (entry.type !== 'normal' && entry.type !== 'config') throw new InvalidRaftMessageError(`unknown entry type ${String(entry.type)}`)
  if (!isCount(entry.index) || !isCount(entry.term)) throw new InvalidRaftMessageError('entry index or term is not a count')
}

function requireCounts (message: Message, ...values: number[]): void {
  for (const value of values) {
    if (!isCount(value)) throw new InvalidRaftMessageError(`${message.type} carries a bad number ${String(value)}`)
  }
}

function requireBytes (message: Message, value: Uint8Array): void {
  if (!(value instanceof Bytes)) throw new InvalidRaftMessageError(`${message.type} carries a field that is not bytes`)
}

const MAX_SAFE_INTEGER = 9007199254740991
const Bytes = Uint8Array

/** A non-negative safe integer. Written without global lookups: this runs for every entry received. */
function isCount (value: number): boolean {
  return typeof value === 'number' && value >= 0 && value <= MAX_SAFE_INTEGER && value % 1 === 0
}
