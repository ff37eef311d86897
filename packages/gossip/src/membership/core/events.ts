/**
 * What the membership core tells its host: member views and typed events.
 */
import type { MemberMetadata } from './messages.js'

/**
 * `alive` and `suspect` members are reachable (suspect: someone failed to reach it and it has
 * not refuted yet); `dead` was declared failed; `left` left gracefully.
 */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left'

/** A member as this node sees it. A snapshot: later changes do not show in it. */
export interface MemberInfo {
  id: string
  state: MemberState
  /** The incarnation of the claim that set the state. */
  incarnation: number
  addresses: string[]
  metadata: MemberMetadata
  /** Clock time (the injected clock) of the last change of `state`. */
  stateChangedAt: number
}

/** HEALTHY, or PARTITIONED when fewer than a quorum of the members that count are reachable. */
export type MembershipStatus = 'HEALTHY' | 'PARTITIONED'

/** The counts behind a partition decision. */
export interface QuorumCounts {
  /** Alive and suspect members, this node included. */
  reachable: number
  /** Alive, suspect and dead (not left) members, this node included. */
  total: number
  /** Reachable members needed to be HEALTHY. */
  quorum: number
}

/**
 * Events about other members (never about this node) and about this node's view.
 * - `member:join`: a member appeared, or came back after being dead or left.
 * - `member:update`: a live member's addresses or metadata changed.
 * - `member:suspect`: a member became suspect; `from` raised the suspicion.
 * - `member:alive`: a suspect member refuted the suspicion (it is alive again).
 * - `member:dead`: a member was declared failed; `from` declared it.
 * - `member:left`: a member left gracefully.
 * - `member:reaped`: a dead or left member's tombstone expired; it is forgotten.
 * - `partitioned` / `recovered`: the status changed (see {@link QuorumCounts}).
 * - `leave:complete`: this node's leave has had its time to spread; the core has stopped.
 */
export type MembershipEvent =
  | { type: 'member:join', member: MemberInfo }
  | { type: 'member:update', member: MemberInfo }
  | { type: 'member:suspect', member: MemberInfo, from: string }
  | { type: 'member:alive', member: MemberInfo }
  | { type: 'member:dead', member: MemberInfo, from: string }
  | { type: 'member:left', member: MemberInfo }
  | { type: 'member:reaped', id: string }
  | { type: 'partitioned', counts: QuorumCounts }
  | { type: 'recovered', counts: QuorumCounts }
  | { type: 'leave:complete' }

/**
 * Called synchronously, from inside whichever core call caused the event (`receive`, a timer,
 * `leave`…), after the state has changed: `members()` already shows it. A listener may read
 * the core but should not block; an exception it throws is caught and dropped so that the
 * protocol keeps running, so a listener must handle its own errors.
 */
export type MembershipEventListener = (event: MembershipEvent) => void
