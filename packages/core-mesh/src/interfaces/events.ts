import type { PeerIdString } from './peer.js'

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'CRITICAL'

export interface HealthReport {
  status: HealthStatus
  /** Members counted for health: this node plus every known peer that has not left. */
  members: number
  /** Known peers currently unreachable. */
  unreachable: number
}

/** The typed events a mesh node emits (as `CustomEvent<detail>`). */
export interface MeshEvents {
  'peer:connect': { peer: PeerIdString }
  'peer:disconnect': { peer: PeerIdString }
  /** Heartbeats or re-dials failed; the peer counts against health until it is seen again. */
  'peer:unreachable': { peer: PeerIdString }
  /** The peer left gracefully. */
  'peer:left': { peer: PeerIdString }
  'peer:rtt': { peer: PeerIdString, rttMs: number }
  'peer:discovered': { peer: PeerIdString, addresses: string[], source: string }
  'health': HealthReport & { previous: HealthStatus }
  /** A peer broke a wire protocol; only the offending stream was closed. */
  'violation': { peer: PeerIdString, protocol: string, error: Error }
  /** A connection was refused by the join policy, the denylist or a limit. */
  'policy:rejected': { peer?: PeerIdString, reason: string }
}

/** An EventTarget whose event names and details are typed by `Events`. */
export interface TypedEventTarget<Events extends object> {
  addEventListener<K extends keyof Events & string>(type: K, listener: (event: CustomEvent<Events[K]>) => void, options?: AddEventListenerOptions | boolean): void
  removeEventListener<K extends keyof Events & string>(type: K, listener: (event: CustomEvent<Events[K]>) => void, options?: EventListenerOptions | boolean): void
}
