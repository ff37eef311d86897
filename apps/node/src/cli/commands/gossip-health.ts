import type { GossipHealth } from '../../node-gossip.js'

/** One line for the gossip part of `/api/health`, as `status` and `health` print it. */
export function describeGossip (gossip: GossipHealth): string {
  if (!gossip.enabled) return 'off'
  const { alive, suspect, dead, left } = gossip.members
  return `${gossip.status} (${alive} alive, ${suspect} suspect, ${dead} dead, ${left} left), pub/sub ${gossip.pubsub ? 'on' : 'off'}`
}
