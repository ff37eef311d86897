import type { HealthReport } from './interfaces/events.js'
import type { PeerRecord } from './interfaces/peer.js'

/**
 * Health from the registry. Members are this node plus every known peer that has not left;
 * DEGRADED when any is unreachable, CRITICAL when half or more of the members are. Counting
 * the node itself means a 3-node mesh that loses one peer is DEGRADED, not CRITICAL.
 */
export function assessHealth (peers: Iterable<PeerRecord>): HealthReport {
  let members = 1
  let unreachable = 0
  for (const peer of peers) {
    if (peer.status === 'left') continue
    members++
    if (peer.status === 'unreachable') unreachable++
  }
  const status = unreachable === 0 ? 'HEALTHY' : unreachable * 2 >= members ? 'CRITICAL' : 'DEGRADED'
  return { status, members, unreachable }
}
