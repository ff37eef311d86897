/** The messages between the benchmark and a Meshwork member's child process (`swim-meshwork-node.ts`). */
import type { MemberEvent } from './swim-cluster.js'
import type { LinkHeartbeat, SwimTimings } from './swim-options.js'

/** Passed as the child's only argument, as JSON. */
export interface MeshworkNodeInit {
  index: number
  /** Multiaddrs with `/p2p/<id>` of members to join through; empty for the first member. */
  bootstrap: string[]
  timings: SwimTimings
  heartbeat: LinkHeartbeat
}

export type ToMeshworkNode =
  | { type: 'members', id: number }
  | { type: 'stop' }

export type FromMeshworkNode =
  | { type: 'ready', peerId: string, addresses: string[] }
  | { type: 'failed', message: string }
  /** A membership event about another member, stamped with `Date.now()` in the child when it fired. */
  | { type: 'event', kind: MemberEvent['kind'], member: string, at: number }
  /** Reply to `members`: the peer ids this member holds alive, itself included. */
  | { type: 'members', id: number, alive: string[] }
