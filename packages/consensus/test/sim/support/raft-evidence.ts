import { decodeKvCommand } from '../../../src/kv/kv-command-codec.js'
import type { KvCommand } from '../../../src/kv/kv-types.js'
import type { InvalidRaftMessageError } from '../../../src/errors.js'
import type { ConfChange, ConfState, Entry, Message, NodeId, Snapshot } from '../../../src/raft/core/types.js'
import { crc32c } from '../../../src/util/crc32c.js'
import type { MemberObserver } from './sim-member.js'

/** One committed entry as first applied by some member. */
export interface LedgerEntry {
  readonly term: number
  readonly type: Entry['type']
  readonly digest: string
  readonly firstMember: NodeId
  /** The command, for normal entries that decode as one. */
  readonly command?: KvCommand
}

/** How often each interesting thing happened in a run, to show that faults were not vacuous. */
export interface RunCounters {
  leaderElections: number
  snapshotsInstalled: number
  syncsWithEntries: number
  refusedMessages: number
  /** Membership changes applied (counted once per log index). */
  confChangesApplied: number
  /** A configuration with outgoing voters (joint) was applied somewhere. */
  jointConfigurations: number
  /** Learners promoted to voters (counted once per log index). */
  learnersPromoted: number
  /** Voters removed (counted once per log index). */
  votersRemoved: number
}

/**
 * What members report as they run, kept as evidence for the invariants: every leader by term,
 * and a ledger of committed entries by index (the first member to apply an index records it;
 * every later application of that index, by anyone, must be the same entry). Violations found
 * on the way are kept in `violations`.
 */
export class RaftEvidence implements MemberObserver {
  readonly leadersByTerm = new Map<number, Set<NodeId>>()
  readonly ledger = new Map<number, LedgerEntry>()
  readonly violations: string[] = []
  readonly counters: RunCounters = {
    leaderElections: 0,
    snapshotsInstalled: 0,
    syncsWithEntries: 0,
    refusedMessages: 0,
    confChangesApplied: 0,
    jointConfigurations: 0,
    learnersPromoted: 0,
    votersRemoved: 0
  }

  /** Refused messages by error name, to tell a misbehaving core from expected refusals. */
  readonly refusals = new Map<string, number>()
  /** Called on each event with a line for the run's log. */
  onEvent: ((line: string) => void) | undefined

  leaderElected (member: NodeId, term: number): void {
    const leaders = this.leadersByTerm.get(term) ?? new Set<NodeId>()
    this.leadersByTerm.set(term, leaders)
    if (leaders.has(member)) return
    leaders.add(member)
    this.counters.leaderElections++
    this.onEvent?.(`${member} became leader of term ${term}`)
    if (leaders.size > 1) this.violations.push(`election safety: term ${term} had leaders ${[...leaders].join(', ')}`)
  }

  applied (member: NodeId, entry: Entry): void {
    const digest = digestOf(entry)
    const known = this.ledger.get(entry.index)
    if (known === undefined) {
      this.ledger.set(entry.index, { term: entry.term, type: entry.type, digest, firstMember: member, command: commandOf(entry) })
      return
    }
    if (known.term !== entry.term || known.digest !== digest) {
      this.violations.push(`state machine safety: ${member} applied index ${entry.index} as (term ${entry.term}, ${digest}) ` +
        `but ${known.firstMember} applied it as (term ${known.term}, ${known.digest})`)
    }
  }

  snapshotInstalled (member: NodeId, snapshot: Snapshot): void {
    this.counters.snapshotsInstalled++
    const { index, term } = snapshot.metadata
    this.onEvent?.(`${member} installed a snapshot at index ${index} (term ${term})`)
    const known = this.ledger.get(index)
    if (known !== undefined && known.term !== term) {
      this.violations.push(`state machine safety: ${member} installed a snapshot at index ${index} with term ${term}, ` +
        `but ${known.firstMember} applied term ${known.term} there`)
    }
  }

  configurationChanged (member: NodeId, confState: ConfState, change: ConfChange, index: number): void {
    if (this.configIndexes.has(index)) return
    this.configIndexes.add(index)
    this.counters.confChangesApplied++
    if (confState.outgoing.length > 0) this.counters.jointConfigurations++
    for (const single of change.changes) {
      if (single.type === 'addVoter' && this.learners.has(single.node)) this.counters.learnersPromoted++
      if (single.type === 'removeNode' && this.voters.has(single.node)) this.counters.votersRemoved++
    }
    this.learners = new Set(confState.learners)
    this.voters = new Set([...confState.voters, ...confState.outgoing])
    this.onEvent?.(`configuration now voters [${confState.voters.join(',')}]` +
      (confState.outgoing.length > 0 ? ` outgoing [${confState.outgoing.join(',')}]` : '') +
      (confState.learners.length > 0 ? ` learners [${confState.learners.join(',')}]` : '') +
      ` at index ${index} (first applied by ${member})`)
  }

  refused (member: NodeId, message: Message, error: InvalidRaftMessageError): void {
    this.counters.refusedMessages++
    this.refusals.set(error.name, (this.refusals.get(error.name) ?? 0) + 1)
    if (this.refusals.get(error.name) === 1) this.onEvent?.(`${member} refused a ${message.type} from ${message.from}: ${error.name}: ${error.message}`)
  }

  syncStarted (): void {
    this.counters.syncsWithEntries++
  }

  /** Start from the founding configuration (so promotions and removals are counted right). */
  setInitialConfiguration (confState: ConfState): void {
    this.voters = new Set(confState.voters)
    this.learners = new Set(confState.learners)
  }

  private voters = new Set<NodeId>()
  private learners = new Set<NodeId>()
  private readonly configIndexes = new Set<number>()
}

/** A short, comparable description of an entry's content. */
export function digestOf (entry: Entry): string {
  if (entry.data.length === 0) return `${entry.type}:empty`
  return `${entry.type}:${entry.data.length}:${crc32c(entry.data).toString(16)}`
}

function commandOf (entry: Entry): KvCommand | undefined {
  if (entry.type !== 'normal' || entry.data.length === 0) return undefined
  try {
    return decodeKvCommand(entry.data)
  } catch {
    return undefined
  }
}
