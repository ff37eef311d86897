import { createMeshNode, type BroadcastMessage, type ForwardRecord, type MeshConfig, type MeshNode } from '@meshwork/core-mesh'
import { plumtreeBroadcast, type PlumtreeBroadcast, type PlumtreeBroadcastInit } from '../../src/plumtree/plumtree-broadcast.js'

export { eventually } from '@meshwork/core-mesh/testkit'

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** A mesh node running Plumtree, with everything it delivered and forwarded. */
export interface TreeNode {
  node: MeshNode
  id: string
  address: string
  plumtree: PlumtreeBroadcast
  received: BroadcastMessage[]
  forwards: ForwardRecord[]
}

/**
 * Real mesh nodes (TCP + Noise + Yamux on loopback) with Plumtree as their broadcast. Meshwork's
 * heartbeats are slowed down: the CPU is shared with the other test files.
 */
export class PlumtreeFixture {
  readonly nodes: TreeNode[] = []

  async node (init: PlumtreeBroadcastInit = {}, config: MeshConfig = {}): Promise<TreeNode> {
    const forwards: ForwardRecord[] = []
    const node = await createMeshNode({
      transport: 'tcp',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      heartbeat: { intervalMs: 5_000, timeoutMs: 5_000 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
      limits: { inboundConnectionThreshold: 10_000, maxIncomingPending: 1_000 },
      relayObserver: { onForward: (record) => { forwards.push({ ...record }) } },
      broadcast: plumtreeBroadcast(init),
      ...config
    })
    await node.start()
    const plumtree = node.service<PlumtreeBroadcast>('plumtree')
    if (plumtree === undefined) throw new Error('the node runs no plumtree service')
    const entry: TreeNode = { node, id: node.peerId, address: node.addresses()[0], plumtree, received: [], forwards }
    node.onBroadcast((message) => { entry.received.push(message) })
    this.nodes.push(entry)
    return entry
  }

  /**
   * `count` nodes, node i connected to nodes i−1 and i−2: a ring-like overlay where every node
   * has two to four neighbours, so a message has several paths and the tree has cycles to prune.
   */
  async mesh (count: number, init: PlumtreeBroadcastInit = {}): Promise<TreeNode[]> {
    const nodes: TreeNode[] = []
    for (let i = 0; i < count; i++) nodes.push(await this.node(init))
    for (let i = 1; i < count; i++) {
      await nodes[i].node.join([nodes[i - 1].address, ...(i >= 2 ? [nodes[i - 2].address] : [])])
    }
    return nodes
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => { await n.node.stop() }))
  }
}

/** How many times `node` delivered the broadcast whose text is `body`. */
export function deliveries (node: TreeNode, body: string): number {
  return node.received.filter(m => text(m.data) === body).length
}
