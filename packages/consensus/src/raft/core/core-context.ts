import type { ResolvedRaftConfig } from './defaults.js'
import type { ProgressTracker } from './progress-tracker.js'
import type { RaftLog } from './raft-log.js'
import type { Message, NodeId } from './types.js'

/**
 * What the parts of the core (replication, following, reads) share with `RaftCore`: the log,
 * the configuration and progress, the current term and clock, and the outbox. Read through
 * getters, so the parts always see the core's current state.
 */
export interface CoreContext {
  readonly id: NodeId
  readonly config: ResolvedRaftConfig
  readonly log: RaftLog
  readonly tracker: ProgressTracker
  /** The current term. */
  readonly term: number
  /** Ticks since the core was made. */
  readonly ticks: number
  /** Queue a message for the next `Ready`. */
  send(message: Message): void
}
