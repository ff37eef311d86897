import { InvalidConfChangeError } from '../../errors.js'
import { applyConfChangeTo } from './configuration.js'
import type { ConfChange, ConfState } from './types.js'

/** What the leader knows when it decides whether to take a membership change. */
export interface ConfChangeGuardState {
  /** Index of the last membership change appended (a new leader: its last index at election). */
  readonly pendingConfIndex: number
  readonly applied: number
  /** Whether the leader has committed an entry of its current term. */
  readonly committedInCurrentTerm: boolean
  readonly confState: ConfState
}

/**
 * Why the leader cannot append `change` now, or undefined when it can.
 *
 * Only one membership change may be pending (appended but not yet applied), and a new leader must
 * first commit an entry of its own term: otherwise a change appended by a previous leader that
 * this one never saw could be combined with this one into two disjoint majorities (the
 * single-server membership change bug, Ongaro 2015). A change that cannot apply to the current
 * configuration throws `InvalidConfChangeError` (it never will).
 */
export function confChangeRefusal (state: ConfChangeGuardState, change: ConfChange): string | undefined {
  if (state.pendingConfIndex > state.applied) return 'a membership change is already pending'
  if (!state.committedInCurrentTerm) return 'the leader has not yet committed an entry of its term'
  applyConfChangeTo(state.confState, change)
  return undefined
}

/** {@link confChangeRefusal}, with an invalid change reported as a refusal instead of thrown. */
export function confChangeRefusalQuiet (state: ConfChangeGuardState, change: ConfChange): string | undefined {
  try {
    return confChangeRefusal(state, change)
  } catch (err) {
    if (err instanceof InvalidConfChangeError) return err.message
    throw err
  }
}
