import type { DhtHealth } from '../../node-dht.js'
import { connectAdmin } from '../admin-target.js'
import type { StatusCommand } from '../args.js'
import { formatFields } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'
import { describeConsensus } from './consensus-health.js'
import { describeGossip } from './gossip-health.js'

/** `meshwork status`: the running node's identity, health, addresses, DHT, gossip membership and Raft. */
export async function statusCommand (command: StatusCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const status = await admin.status()
  if (command.options.json) {
    deps.io.out(JSON.stringify({ ...status, admin: admin.url }))
    return
  }
  for (const line of formatFields([
    ['peer id', status.peerId],
    ['health', `${status.status} (${status.members} members, ${status.unreachable} unreachable)`],
    ['addresses', status.addresses],
    ['dht', describeDht(status.dht)],
    ['membership', describeGossip(status.gossip)],
    ['consensus', describeConsensus(status.consensus)],
    ['admin API', admin.url]
  ])) deps.io.out(line)
}

function describeDht (dht: DhtHealth): string {
  if (!dht.enabled) return 'off'
  return `${dht.mode} on ${dht.protocol} (${dht.routingTableSize} peers in the routing table)`
}
