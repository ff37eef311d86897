import { afterEach, describe, expect, it } from '@jest/globals'
import type { Channel } from '@meshwork/core-mesh'
import { PLUMTREE_PROTOCOL } from '../../src/plumtree/constants.js'
import { PlumtreeFrame } from '../../src/wire/plumtree.js'
import { SignedEnvelope } from '../../src/wire/signed-envelope.js'
import { PlumtreeFixture, deliveries, eventually, text, utf8, type TreeNode } from './plumtree-fixtures.js'

/** The names of the errors `node` reported as violations on the plumtree protocol. */
function violations (node: TreeNode): string[] {
  const seen: string[] = []
  node.node.addEventListener('violation', (event) => {
    if (event.detail.protocol === PLUMTREE_PROTOCOL) seen.push(event.detail.error.name)
  })
  return seen
}

/** Resolves when the remote closes or aborts `channel`. */
async function ended (channel: Channel): Promise<void> {
  try {
    for await (const frame of channel) void frame
  } catch {}
}

async function everyoneGets (nodes: TreeNode[], sender: TreeNode, body: string): Promise<void> {
  await sender.node.broadcast(utf8(body))
  await eventually(() => nodes.every(n => n === sender || deliveries(n, body) >= 1), `every node receives "${body}"`, 15_000)
}

describe('Plumtree broadcast over real nodes (TCP + Noise)', () => {
  const fixture = new PlumtreeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('7 nodes: every node receives every broadcast exactly once, forwards are reported', async () => {
    const nodes = await fixture.mesh(7)
    expect(nodes[0].plumtree.view).toBe('connected-peers')
    for (const [i, sender] of nodes.entries()) await everyoneGets(nodes, sender, `hello from ${i}`)
    // Late copies (duplicates, repairs) have had time to arrive.
    await new Promise(resolve => setTimeout(resolve, 500))
    for (const [i, node] of nodes.entries()) {
      expect(node.received.map(m => text(m.data)).sort()).toEqual(nodes.map((_, j) => `hello from ${j}`).filter((_, j) => j !== i).sort())
      expect(node.received.every(m => m.origin === nodes[Number(text(m.data).split(' ').pop())].id)).toBe(true)
    }
    const forwards = nodes.flatMap(n => n.forwards)
    expect(forwards.length).toBeGreaterThan(0)
    expect(forwards.every(f => f.service === 'plumtree' && f.from !== f.to && f.origin !== f.to)).toBe(true)
    // The ring with chords has cycles; duplicates pruned them: a tree has n − 1 links.
    const eagerLinks = nodes.reduce((sum, n) => sum + n.plumtree.stats().eagerPeers, 0) / 2
    expect(eagerLinks).toBeLessThanOrEqual(nodes.length)
  })

  it('a stopped node does not break delivery to the rest', async () => {
    const nodes = await fixture.mesh(6)
    for (const [i, sender] of nodes.slice(0, 3).entries()) await everyoneGets(nodes, sender, `warm-up ${i}`)
    // Stop the node with the most tree links: its subtrees must find the rest again.
    const victim = nodes.slice(1, -1).reduce((best, n) => n.plumtree.stats().eagerPeers > best.plumtree.stats().eagerPeers ? n : best)
    await victim.node.stop()
    fixture.nodes.splice(fixture.nodes.indexOf(victim), 1)
    const rest = nodes.filter(n => n !== victim)
    for (const [i, sender] of rest.entries()) await everyoneGets(rest, sender, `after stop ${i}`)
    await new Promise(resolve => setTimeout(resolve, 500))
    for (const node of rest) {
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] !== node) expect(deliveries(node, `after stop ${i}`)).toBe(1)
      }
    }
  })

  it('a garbage frame closes only that channel; the node keeps broadcasting', async () => {
    const nodes = await fixture.mesh(5)
    const [victim, attacker] = nodes
    const seen = violations(victim)
    const raw = await attacker.node.openChannel(victim.id, { protocol: PLUMTREE_PROTOCOL })
    const closed = ended(raw)
    // A well-formed frame whose content is not a Plumtree message (a truncated field).
    await raw.send(Uint8Array.from([0x0a, 0x05, 0x01]))
    await eventually(() => seen.includes('MalformedGossipError'), 'the victim reports the garbage')
    await closed
    expect(victim.node.connectedPeers()).toContain(attacker.id)
    // Everyone, the attacker included, still gets broadcasts both ways.
    await everyoneGets(nodes, victim, 'still broadcasting')
    await everyoneGets(nodes, attacker, 'attacker is honest again')
  })

  it('a forged envelope is not delivered nor forwarded, and its sender is reported', async () => {
    const nodes = await fixture.mesh(4)
    const [victim, attacker] = nodes
    const seen = violations(victim)
    const forged = SignedEnvelope.encode({
      origin: nodes[2].id,
      seqno: 1n,
      timestamp: BigInt(Date.now()),
      topic: 'meshwork/broadcast',
      payload: new TextEncoder().encode('forged'),
      signature: new Uint8Array(64).fill(7)
    })
    const raw = await attacker.node.openChannel(victim.id, { protocol: PLUMTREE_PROTOCOL })
    const closed = ended(raw)
    await raw.send(PlumtreeFrame.encode({ gossip: { envelope: forged, round: 0, grafted: false } }))
    await eventually(() => seen.includes('InvalidSignatureError'), 'the victim reports the forgery')
    await closed
    await everyoneGets(nodes, nodes[3], 'after the forgery')
    expect(nodes.every(n => deliveries(n, 'forged') === 0)).toBe(true)
  })
})
