import { NodeUnhealthyError } from '../../errors.js'
import type { NodeStatus } from '../admin-client.js'
import { connectAdmin } from '../admin-target.js'
import type { HealthCommand } from '../args.js'
import { formatFields } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'
import { describeGossip } from './gossip-health.js'

/**
 * `meshwork health`: the running node's health — the mesh's (connected peers), the gossip
 * membership's (quorum reachable) and Lifeguard's local health score. Exits 1 with
 * NodeUnhealthyError, after printing, when the node is CRITICAL or its membership PARTITIONED,
 * so that scripts and probes can use it; DEGRADED (some peers unreachable) exits 0.
 */
export async function healthCommand (command: HealthCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const status = await admin.status()
  const problems = healthProblems(status)
  if (command.options.json) {
    const { status: mesh, members, unreachable, gossip } = status
    deps.io.out(JSON.stringify({ healthy: problems.length === 0, status: mesh, members, unreachable, gossip }))
  } else {
    for (const line of formatFields([
      ['mesh', `${status.status} (${status.members} members, ${status.unreachable} unreachable)`],
      ['membership', describeGossip(status.gossip)],
      ...(status.gossip.enabled ? [['local health', `${status.gossip.localHealth} (0 is healthy; higher slows this node's probes)`] as const] : [])
    ])) deps.io.out(line)
  }
  if (problems.length > 0) throw new NodeUnhealthyError(`the node is unhealthy: ${problems.join(', ')}`)
}

function healthProblems (status: NodeStatus): string[] {
  return [
    ...(status.status === 'CRITICAL' ? ['the mesh is CRITICAL'] : []),
    ...(status.gossip.enabled && status.gossip.status === 'PARTITIONED' ? ['the membership is PARTITIONED'] : [])
  ]
}
