/**
 * @meshwork/gossip on its own: three mesh nodes on loopback with SWIM membership, a Plumtree
 * broadcast and a pub/sub topic, no apps/node.
 * Build with `tsc -b packages/gossip`, run with `node packages/gossip/dist/examples/standalone.js`.
 */
import { pathToFileURL } from 'node:url'
import { createMeshNode, type MeshNode, type PubSub } from '@meshwork/core-mesh'
import { withGossip, type MembershipService } from '@meshwork/gossip'

export interface ExampleResult {
  /** Members as carol sees them (herself included), with their roles. */
  members: Array<{ id: string, state: string, roles: string[] }>
  broadcastReceivedBy: number
  topicMessage: string
}

export async function main (log: (line: string) => void = console.log): Promise<ExampleResult> {
  const nodes: MeshNode[] = []
  const start = async (name: string, bootstrap: string[]): Promise<MeshNode> => {
    // withGossip adds SWIM membership (+ its discovery), Plumtree as the broadcast, and pub/sub
    const node = await createMeshNode(withGossip({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap }, {
      membership: { metadata: { region: 'local', roles: [name] } }
    }))
    await node.start()
    nodes.push(node)
    return node
  }
  const until = async (condition: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 15_000
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  try {
    const alice = await start('alice', [])
    const bob = await start('bob', alice.addresses())
    const carol = await start('carol', alice.addresses())
    const membership = carol.service<MembershipService>('membership')
    if (membership === undefined) throw new Error('no membership service')
    await until(() => membership.liveMembers().length === 2, 'carol sees both others')
    const members = membership.members().map(m => ({ id: m.id, state: m.state, roles: m.metadata.roles }))
    for (const m of members) log(`carol sees ${m.roles.join(',')} (${m.id.slice(-6)}): ${m.state}`)

    // Broadcast: every member gets it once, along the Plumtree tree
    let broadcastReceivedBy = 0
    for (const node of [bob, carol]) node.onBroadcast(message => { broadcastReceivedBy++; log(`${node.peerId.slice(-6)} got "${new TextDecoder().decode(message.data)}"`) })
    await alice.broadcast(new TextEncoder().encode('hello, mesh'))
    await until(() => broadcastReceivedBy === 2, 'bob and carol got the broadcast')

    // Pub/sub: bob subscribes to a topic, carol publishes on it
    const pubsubOf = (node: MeshNode): PubSub => node.service<PubSub>('pubsub') as PubSub
    let topicMessage = ''
    pubsubOf(bob).subscribe('news', message => { topicMessage = new TextDecoder().decode(message.data) })
    await until(() => pubsubOf(carol).subscribers('news').includes(bob.peerId), 'carol knows bob subscribes')
    await pubsubOf(carol).publish('news', new TextEncoder().encode('gossip works'))
    await until(() => topicMessage !== '', 'bob got the topic message')
    log(`bob read "${topicMessage}" on news`)
    return { members, broadcastReceivedBy, topicMessage }
  } finally {
    await Promise.all(nodes.map(async node => { await node.stop() }))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch(err => { console.error(err); process.exitCode = 1 })
}
