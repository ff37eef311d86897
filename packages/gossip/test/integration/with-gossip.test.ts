import { afterEach, describe, expect, it } from '@jest/globals'
import { createMeshNode, type BroadcastMessage, type MeshNode } from '@meshwork/core-mesh'
import { eventually } from '@meshwork/core-mesh/testkit'
import { withGossip, type GossipOptions } from '../../src/create-gossip.js'
import type { MembershipService } from '../../src/membership/membership-service.js'
import { FAST_SWIM } from './membership-fixtures.js'

const nodes: MeshNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

async function start (options: GossipOptions, bootstrap: string[] = []): Promise<{ node: MeshNode, heard: string[] }> {
  const node = await createMeshNode(withGossip({
    transport: 'tcp',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap,
    heartbeat: { intervalMs: 30_000, timeoutMs: 30_000 }
  }, { pubsub: false, ...options }))
  await node.start()
  nodes.push(node)
  const heard: string[] = []
  node.onBroadcast((message: BroadcastMessage) => { heard.push(new TextDecoder().decode(message.data)) })
  return { node, heard }
}

/** Two members and one outsider (no membership) connected to the first member. */
async function cluster (knownSendersOnly: boolean): Promise<{ a: Awaited<ReturnType<typeof start>>, b: Awaited<ReturnType<typeof start>>, outsider: MeshNode }> {
  const a = await start({ membership: FAST_SWIM, knownSendersOnly })
  const b = await start({ membership: FAST_SWIM, knownSendersOnly }, a.node.addresses())
  await eventually(() => a.node.service<MembershipService>('membership')?.liveMembers().includes(b.node.peerId) === true, 'a and b are members', 15_000)
  const { node: outsider } = await start({ membership: false }, a.node.addresses())
  await eventually(() => outsider.connectedPeers().includes(a.node.peerId), 'the outsider is connected to a', 10_000)
  return { a, b, outsider }
}

describe('withGossip', () => {
  it('makes Plumtree over the membership view the node\'s broadcast', async () => {
    const { a, b, outsider } = await cluster(false)
    await a.node.broadcast(new TextEncoder().encode('from a'))
    await eventually(() => b.heard.includes('from a'), 'b hears a', 10_000)
    await outsider.broadcast(new TextEncoder().encode('from outside'))
    await eventually(() => a.heard.includes('from outside'), 'a accepts an outsider when anyone may send', 10_000)
  }, 40_000)

  it('with knownSendersOnly, refuses broadcasts whose author is not a live member', async () => {
    const { a, b, outsider } = await cluster(true)
    await outsider.broadcast(new TextEncoder().encode('from outside'))
    await b.node.broadcast(new TextEncoder().encode('from b'))
    await eventually(() => a.heard.includes('from b'), 'a hears member b', 10_000)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(a.heard).not.toContain('from outside')
  }, 40_000)

  it('refuses knownSendersOnly without membership', () => {
    expect(() => withGossip({}, { membership: false, knownSendersOnly: true })).toThrow(RangeError)
  })
})
