import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshNode, type MeshConfig, type MeshNode } from '@meshwork/core-mesh'
import type { MembershipEvent } from '../../src/membership/core/events.js'
import { membershipDiscovery, membershipService } from '../../src/membership/create-membership.js'
import type { MembershipOptions, MembershipService } from '../../src/membership/membership-service.js'

export { eventually } from '@meshwork/core-mesh/testkit'

/** Fast SWIM for loopback tests, with room for a CPU shared with other test files. */
export const FAST_SWIM: MembershipOptions = {
  probeIntervalMs: 300,
  probeTimeoutMs: 200,
  suspicionMult: 3,
  gossipIntervalMs: 100,
  pushPullIntervalMs: 2_000,
  reconnectIntervalMs: 1_000,
  leavePropagateMs: 500
}

export interface MemberNode {
  node: MeshNode
  id: string
  address: string
  membership: MembershipService
  events: MembershipEvent[]
  dataDir?: string
}

/**
 * Real mesh nodes (TCP + Noise + Yamux on loopback) running SWIM membership and its discovery
 * plugin. core-mesh's own heartbeat is slowed down so that SWIM alone detects failures.
 */
export class MembershipFixture {
  readonly nodes: MemberNode[] = []
  private readonly dirs: string[] = []

  async dataDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-swim-'))
    this.dirs.push(dir)
    return dir
  }

  async node (options: MembershipOptions = {}, config: MeshConfig = {}): Promise<MemberNode> {
    const node = await createMeshNode({
      transport: 'tcp',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      heartbeat: { intervalMs: 30_000, timeoutMs: 30_000 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
      limits: { inboundConnectionThreshold: 10_000, maxIncomingPending: 1_000 },
      services: [membershipService({ ...FAST_SWIM, ...options })],
      discovery: [membershipDiscovery()],
      ...config
    })
    await node.start()
    const membership = node.service<MembershipService>('membership')
    if (membership === undefined) throw new Error('the node runs no membership service')
    const entry: MemberNode = { node, id: node.peerId, address: node.addresses()[0], membership, events: [], dataDir: config.dataDir }
    membership.onEvent(event => { entry.events.push(event) })
    this.nodes.push(entry)
    return entry
  }

  /** Stop without leaving, as a crash looks to the others (connections drop, nothing said). */
  async crash (member: MemberNode): Promise<void> {
    this.nodes.splice(this.nodes.indexOf(member), 1)
    await member.node.stop()
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => { await n.node.stop() }))
    await Promise.all(this.dirs.splice(0).map(async dir => { await rm(dir, { recursive: true, force: true }) }))
  }
}

/** `observer`'s view of `member`: its state, or undefined when unknown. */
export function stateOf (observer: MemberNode, member: string): string | undefined {
  return observer.membership.member(member)?.state
}

/** Every node sees every other node of `nodes` as alive. */
export function allAlive (nodes: MemberNode[]): boolean {
  return nodes.every(a => nodes.every(b => a === b || stateOf(a, b.id) === 'alive'))
}
