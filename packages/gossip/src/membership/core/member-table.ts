/**
 * The member table and the SWIM precedence rules that decide whether a claim changes it.
 *
 * Precedence (SWIM §4.2, as memberlist applies it), for a member held at incarnation i:
 * - alive(j) wins when j > i, whatever the state: only the member itself makes alive claims,
 *   and it raises its incarnation exactly to beat suspicions and deaths;
 * - suspect(j) wins over alive when j ≥ i and over suspect when j > i; suspect(i) on a suspect
 *   member is a confirmation (another accuser);
 * - dead(j) wins over alive and suspect when j ≥ i. Dead and left members are tombstones: only
 *   a newer alive claim revives them. A leave (dead with from = member) turns a dead member
 *   into a left one, because the member's own word beats a failure detector's guess.
 * Claims about members we do not know are ignored unless they are alive claims: a suspicion
 * or death of a stranger tells us nothing we could act on.
 */
import type { MemberInfo, MemberState } from './events.js'
import type { AliveUpdate, DeadUpdate, MemberMetadata, SuspectUpdate } from './messages.js'

export interface MemberRecord {
  readonly id: string
  state: MemberState
  /** The incarnation of the claim that set the state (may exceed `alive.incarnation`). */
  incarnation: number
  /** The member's latest alive claim we accepted: its addresses, metadata and signature. */
  alive: AliveUpdate
  /** The claim behind a suspect, dead or left state; undefined when alive. */
  accusation: SuspectUpdate | DeadUpdate | undefined
  stateChangedAt: number
}

export type SuspectOutcome = 'ignore' | 'suspect' | 'confirm'
export type DeadOutcome = 'ignore' | 'dead' | 'left' | 'raise-tombstone'

/** Whether `claim` replaces what we hold about its member (undefined: a new member). */
export function aliveWins (record: MemberRecord | undefined, claim: AliveUpdate): boolean {
  return record === undefined || claim.incarnation > record.incarnation
}

/**
 * How far above the incarnation we know an accusation may claim to be. A member raises its own
 * incarnation by one per refutation, so a claim far ahead is a lie meant to make the member
 * refute at an incarnation near the integer limit, where its claims no longer fit the wire.
 */
export const MAX_INCARNATION_LEAD = 2 ** 20

function implausible (record: MemberRecord, incarnation: number): boolean {
  return incarnation > record.incarnation + MAX_INCARNATION_LEAD
}

export function judgeSuspect (record: MemberRecord | undefined, claim: Pick<SuspectUpdate, 'incarnation'>): SuspectOutcome {
  if (record === undefined || isTombstone(record.state) || claim.incarnation < record.incarnation || implausible(record, claim.incarnation)) return 'ignore'
  if (record.state === 'suspect' && claim.incarnation === record.incarnation) return 'confirm'
  return 'suspect'
}

export function judgeDead (record: MemberRecord | undefined, claim: DeadUpdate): DeadOutcome {
  if (record === undefined || claim.incarnation < record.incarnation || implausible(record, claim.incarnation)) return 'ignore'
  const isLeave = claim.from === claim.member
  if (!isTombstone(record.state)) return isLeave ? 'left' : 'dead'
  if (record.state === 'dead' && isLeave) return 'left'
  // A newer death of a tombstone: the member came back and failed again while we did not
  // hear it. Keep refusing claims older than this one.
  return claim.incarnation > record.incarnation ? 'raise-tombstone' : 'ignore'
}

export function isTombstone (state: MemberState): boolean {
  return state === 'dead' || state === 'left'
}

export function isReachable (state: MemberState): boolean {
  return state === 'alive' || state === 'suspect'
}

/** A copy for callers, which may keep or change it freely. */
export function toMemberInfo (record: MemberRecord): MemberInfo {
  return {
    id: record.id,
    state: record.state,
    incarnation: record.incarnation,
    addresses: [...record.alive.addresses],
    metadata: copyMetadata(record.alive.metadata),
    stateChangedAt: record.stateChangedAt
  }
}

/** For one member: does accusation `a` beat `b`? Higher incarnation; at equal, dead beats suspect. */
export function outranks (a: SuspectUpdate | DeadUpdate, b: SuspectUpdate | DeadUpdate): boolean {
  return a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.type === 'dead' && b.type === 'suspect')
}

/** Whether two alive claims say the same (addresses in order, metadata), whatever their incarnation. */
export function sameContent (a: AliveUpdate, b: AliveUpdate): boolean {
  if (a === b) return true
  if (a.addresses.length !== b.addresses.length || a.addresses.some((address, i) => address !== b.addresses[i])) return false
  const [ma, mb] = [a.metadata, b.metadata]
  if (ma.region !== mb.region || ma.roles.length !== mb.roles.length || ma.roles.some((role, i) => role !== mb.roles[i])) return false
  const tagsA = Object.entries(ma.tags)
  return tagsA.length === Object.keys(mb.tags).length && tagsA.every(([key, value]) => mb.tags[key] === value)
}

/** A deep copy, so that nothing handed out or signed shares arrays with the caller. */
export function copyMetadata (metadata: MemberMetadata): MemberMetadata {
  return { ...(metadata.region === undefined ? {} : { region: metadata.region }), roles: [...metadata.roles], tags: { ...metadata.tags } }
}

/** Members by id, with running counts per state so that size-dependent timeouts cost O(1). */
export class MemberTable {
  private readonly records = new Map<string, MemberRecord>()
  private readonly counts: Record<MemberState, number> = { alive: 0, suspect: 0, dead: 0, left: 0 }

  get size (): number {
    return this.records.size
  }

  get (id: string): MemberRecord | undefined {
    return this.records.get(id)
  }

  values (): IterableIterator<MemberRecord> {
    return this.records.values()
  }

  add (record: MemberRecord): void {
    if (this.records.has(record.id)) throw new Error(`member ${record.id} is already in the table`)
    this.records.set(record.id, record)
    this.counts[record.state]++
  }

  /** Change a record's state (keeping the counts right) and stamp the change time. */
  setState (record: MemberRecord, state: MemberState, at: number): void {
    if (record.state === state) return
    this.counts[record.state]--
    this.counts[state]++
    record.state = state
    record.stateChangedAt = at
  }

  delete (id: string): void {
    const record = this.records.get(id)
    if (record === undefined) return
    this.counts[record.state]--
    this.records.delete(id)
  }

  count (state: MemberState): number {
    return this.counts[state]
  }

  /** Alive and suspect members, this node included: the n of Lifeguard's formulas. */
  get reachableCount (): number {
    return this.counts.alive + this.counts.suspect
  }
}
