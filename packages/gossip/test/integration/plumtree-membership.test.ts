import { afterEach, describe, expect, it } from '@jest/globals'
import { membershipDiscovery, membershipService, type MembershipService } from '../../src/membership/index.js'
import { PlumtreeFixture, deliveries, eventually, utf8, type TreeNode } from './plumtree-fixtures.js'

describe('Plumtree over the SWIM membership view (real nodes)', () => {
  const fixture = new PlumtreeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('takes its members from SWIM (found by the default view) and survives a member leaving', async () => {
    const nodes: TreeNode[] = []
    for (let i = 0; i < 6; i++) {
      // The default view ('auto') finds the membership service.
      nodes.push(await fixture.node({}, { services: [membershipService({ probeIntervalMs: 1_000, probeTimeoutMs: 500 })], discovery: [membershipDiscovery()] }))
    }
    // A star: the leaves know only the hub; SWIM tells each of them about the others.
    for (const leaf of nodes.slice(1)) await leaf.node.join([nodes[0].address])
    const membership = (n: TreeNode): MembershipService => n.node.service<MembershipService>('membership') as MembershipService
    expect(nodes.map(n => n.plumtree.view)).toEqual(nodes.map(() => 'membership'))
    await eventually(() => nodes.every(n => membership(n).liveMembers().length === 5), 'every node sees 5 live members', 20_000)
    // Leaves open tree links to members they were never connected to (the membership
    // discovery plugin gives the node their addresses).
    await eventually(() => nodes.every(n => n.plumtree.stats().eagerPeers + n.plumtree.stats().lazyPeers === 5), 'every tree knows 5 members')

    for (const [i, sender] of nodes.entries()) {
      await sender.node.broadcast(utf8(`m${i}`))
      await eventually(() => nodes.every(n => n === sender || deliveries(n, `m${i}`) === 1), `everyone gets m${i}`, 15_000)
    }
    const leaver = nodes[3]
    await membership(leaver).leave()
    await leaver.node.stop()
    fixture.nodes.splice(fixture.nodes.indexOf(leaver), 1)
    const rest = nodes.filter(n => n !== leaver)
    await eventually(() => rest.every(n => n.plumtree.stats().eagerPeers + n.plumtree.stats().lazyPeers === 4), 'the leaver is out of every tree', 15_000)
    await rest[1].node.broadcast(utf8('after leave'))
    await eventually(() => rest.every(n => n === rest[1] || deliveries(n, 'after leave') === 1), 'everyone gets the message after the leave', 15_000)
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(rest.every(n => nodes.every((_, i) => deliveries(n, `m${i}`) <= 1))).toBe(true)
  })
})
