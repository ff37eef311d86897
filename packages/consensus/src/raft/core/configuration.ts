import { InvalidConfChangeError } from '../../errors.js'
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from './types.js'

/** How a {@link ConfChange} is carried out (etcd-io/raft's ConfChangeV2 semantics). */
export type ConfChangeKind =
  /** One voter change at most: applied directly. */
  | { readonly kind: 'simple' }
  /** Enter a joint configuration; `autoLeave` asks the leader to leave it once committed. */
  | { readonly kind: 'enterJoint', readonly autoLeave: boolean }
  /** Leave the joint configuration. */
  | { readonly kind: 'leaveJoint' }

/** What kind of change `change` is: an empty change leaves a joint configuration. */
export function classifyConfChange (change: ConfChange): ConfChangeKind {
  if (change.changes.length === 0) return { kind: 'leaveJoint' }
  if (change.transition !== 'auto' || change.changes.length > 1) {
    return { kind: 'enterJoint', autoLeave: change.transition !== 'joint-explicit' }
  }
  return { kind: 'simple' }
}

/** Whether `confState` is a joint configuration. */
export function isJoint (confState: ConfState): boolean {
  return confState.outgoing.length > 0
}

/**
 * The configuration that results from applying `change` to `current`. Throws
 * `InvalidConfChangeError` when the change cannot be applied: leaving a configuration that is not
 * joint, entering a joint configuration from a joint one, a simple change that alters more than
 * one voter, a change that would leave no voter, or an empty node id.
 */
export function applyConfChangeTo (current: ConfState, change: ConfChange): ConfState {
  const kind = classifyConfChange(change)
  switch (kind.kind) {
    case 'leaveJoint': return leaveJoint(current)
    case 'enterJoint': return enterJoint(current, kind.autoLeave, change.changes)
    case 'simple': return simpleChange(current, change.changes)
  }
}

/** Enter a joint configuration: the current voters become the outgoing half, `changes` shape the incoming one. */
export function enterJoint (current: ConfState, autoLeave: boolean, changes: readonly ConfChangeSingle[]): ConfState {
  checkInvariants(current)
  if (isJoint(current)) throw new InvalidConfChangeError('the configuration is already joint; leave it first')
  if (current.voters.length === 0) throw new InvalidConfChangeError('cannot make a configuration with no voters joint')
  const sets = MutableConf.of(current)
  sets.outgoing = new Set(current.voters)
  sets.apply(changes)
  sets.autoLeave = autoLeave
  return sets.toConfState()
}

/** Leave a joint configuration: the outgoing half is dropped and pending demotions take effect. */
export function leaveJoint (current: ConfState): ConfState {
  checkInvariants(current)
  if (!isJoint(current)) throw new InvalidConfChangeError('cannot leave a configuration that is not joint')
  const sets = MutableConf.of(current)
  for (const id of sets.learnersNext) sets.learners.add(id)
  sets.learnersNext.clear()
  sets.outgoing.clear()
  sets.autoLeave = false
  return sets.toConfState()
}

/** A change that alters at most one voter, applied directly (no joint configuration). */
export function simpleChange (current: ConfState, changes: readonly ConfChangeSingle[]): ConfState {
  checkInvariants(current)
  if (isJoint(current)) throw new InvalidConfChangeError('cannot apply a simple change in a joint configuration')
  const sets = MutableConf.of(current)
  sets.apply(changes)
  const before = new Set(current.voters)
  let changed = 0
  for (const id of before) if (!sets.incoming.has(id)) changed++
  for (const id of sets.incoming) if (!before.has(id)) changed++
  if (changed > 1) throw new InvalidConfChangeError('more than one voter changed without entering a joint configuration')
  return sets.toConfState()
}

/**
 * Checks that `confState` is well formed: learners are voters in neither half, demotions pending
 * (`learnersNext`) are outgoing voters, and a configuration that is not joint has no pending
 * demotions and no auto-leave. Throws `InvalidConfChangeError`.
 */
export function checkInvariants (confState: ConfState): void {
  const incoming = new Set(confState.voters)
  const outgoing = new Set(confState.outgoing)
  const learners = new Set(confState.learners)
  for (const id of confState.learnersNext) {
    if (!outgoing.has(id)) throw new InvalidConfChangeError(`${id} is a pending learner but not an outgoing voter`)
    if (learners.has(id)) throw new InvalidConfChangeError(`${id} is a pending learner and already a learner`)
  }
  for (const id of confState.learners) {
    if (incoming.has(id) || outgoing.has(id)) throw new InvalidConfChangeError(`${id} is both a learner and a voter`)
  }
  if (outgoing.size === 0 && (confState.learnersNext.length > 0 || confState.autoLeave)) {
    throw new InvalidConfChangeError('a configuration that is not joint has pending learners or auto-leave')
  }
}

/** The sets of a configuration while a change is being worked out. */
class MutableConf {
  constructor (
    public incoming: Set<NodeId>,
    public outgoing: Set<NodeId>,
    public learners: Set<NodeId>,
    public learnersNext: Set<NodeId>,
    public autoLeave: boolean
  ) {}

  static of (confState: ConfState): MutableConf {
    return new MutableConf(
      new Set(confState.voters),
      new Set(confState.outgoing),
      new Set(confState.learners),
      new Set(confState.learnersNext),
      confState.autoLeave
    )
  }

  apply (changes: readonly ConfChangeSingle[]): void {
    for (const change of changes) {
      if (typeof change.node !== 'string' || change.node === '') throw new InvalidConfChangeError('a membership change names an empty node id')
      switch (change.type) {
        case 'addVoter': this.makeVoter(change.node); break
        case 'addLearner': this.makeLearner(change.node); break
        case 'removeNode': this.remove(change.node); break
        default: throw new InvalidConfChangeError(`unknown membership change type ${String((change as { type: unknown }).type)}`)
      }
    }
    if (this.incoming.size === 0) throw new InvalidConfChangeError('the change removes every voter')
  }

  toConfState (): ConfState {
    const state: ConfState = {
      voters: [...this.incoming],
      learners: [...this.learners],
      outgoing: [...this.outgoing],
      learnersNext: [...this.learnersNext],
      autoLeave: this.autoLeave
    }
    checkInvariants(state)
    return state
  }

  private isMember (id: NodeId): boolean {
    return this.incoming.has(id) || this.outgoing.has(id) || this.learners.has(id) || this.learnersNext.has(id)
  }

  private makeVoter (id: NodeId): void {
    this.learners.delete(id)
    this.learnersNext.delete(id)
    this.incoming.add(id)
  }

  private makeLearner (id: NodeId): void {
    if (this.learners.has(id)) return
    if (!this.isMember(id)) {
      this.learners.add(id)
      return
    }
    this.remove(id)
    // a voter of the outgoing half keeps voting there until the joint configuration is left
    if (this.outgoing.has(id)) this.learnersNext.add(id)
    else this.learners.add(id)
  }

  private remove (id: NodeId): void {
    this.incoming.delete(id)
    this.learners.delete(id)
    this.learnersNext.delete(id)
  }
}
