import type { Entry } from './raft/core/types.js'

/**
 * What a Raft group replicates. The host applies every committed `normal` entry, in log order,
 * exactly once per incarnation of the state (a restart replays from the last snapshot).
 *
 * Contract:
 * - `apply` is deterministic: the same entries in the same order give the same state and the same
 *   results on every member. It must not throw for any entry the leader accepted; a command that
 *   fails (a compare-and-set that does not match) is a result, not an exception. Entries with
 *   empty data (a new leader's no-op) are passed too and must be ignored.
 * - `snapshot` serialises the whole state as of the last applied entry; `restore` replaces the
 *   state with one produced by `snapshot` (on any member). `restore` throws on bytes that do not
 *   decode, and leaves the state unchanged then.
 */
export interface StateMachine<Result = unknown> {
  apply(entry: Entry): Result
  snapshot(): Uint8Array
  restore(data: Uint8Array): void
}
