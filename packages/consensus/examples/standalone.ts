/**
 * @meshwork/consensus on its own: three mesh nodes on loopback form a Raft control group (one
 * seeds it, two join), write and read a replicated key-value store, and survive the leader's
 * departure. Build with `tsc -b packages/consensus`, run with
 * `node packages/consensus/dist/examples/standalone.js`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createMeshNode, type MeshNode } from '@meshwork/core-mesh'
import { CONSENSUS_SERVICE, withConsensus, type ConsensusNode } from '@meshwork/consensus'

export interface ExampleResult {
  voters: number
  readOnFollower: string | undefined
  casSucceeded: boolean
  readAfterFailover: string | undefined
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (bytes: Uint8Array | undefined): string | undefined => bytes === undefined ? undefined : new TextDecoder().decode(bytes)

export async function main (log: (line: string) => void = console.log): Promise<ExampleResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meshwork-consensus-'))
  const nodes: MeshNode[] = []
  const start = async (name: string, bootstrap: string[]): Promise<ConsensusNode> => {
    // The first node seeds the control group; the others ask its members to add them.
    const node = await createMeshNode(withConsensus({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap }, {
      dataDir: join(dataDir, name),
      bootstrap: bootstrap.length === 0 ? 'seed' : 'join'
    }))
    await node.start()
    nodes.push(node)
    const consensus = node.service<ConsensusNode>(CONSENSUS_SERVICE)
    if (consensus === undefined) throw new Error('no consensus service')
    await consensus.ready({ signal: AbortSignal.timeout(15_000) })
    return consensus
  }
  try {
    const alice = await start('alice', [])
    const bob = await start('bob', nodes[0].addresses())
    const carol = await start('carol', nodes[0].addresses())
    // Joiners come in as learners; the leader promotes them to voters once caught up.
    const deadline = Date.now() + 15_000
    while (alice.status().groups[0].voters.length < 3 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    const voters = alice.status().groups[0].voters.length
    log(`control group: ${voters} voters, leader ${alice.election.leader?.slice(-6) ?? 'none'}`)

    // Writes from any member are forwarded to the leader; reads are linearizable by default.
    await bob.kv.put('greeting', utf8('hello, raft'))
    const readOnFollower = text((await carol.kv.get('greeting'))?.value)
    log(`carol reads greeting = ${readOnFollower ?? '(absent)'}`)

    // Compare-and-set: only one of two racing writers wins.
    const [first, second] = await Promise.all([
      alice.kv.cas('lock', undefined, utf8('alice')),
      carol.kv.cas('lock', undefined, utf8('carol'))
    ])
    const casSucceeded = first.succeeded !== second.succeeded
    log(`lock taken by ${text((await bob.kv.get('lock'))?.value) ?? 'nobody'}`)

    // Stop the leader: the other two elect a new one and keep serving.
    const leader = alice.election.leader
    const leaderIndex = [alice, bob, carol].findIndex(c => c.status().id === leader)
    await nodes[leaderIndex].stop()
    const survivor = [alice, bob, carol].find((_, i) => i !== leaderIndex) as ConsensusNode
    await survivor.kv.put('after', utf8('failover'))
    const readAfterFailover = text((await survivor.kv.get('after'))?.value)
    log(`after the leader stopped: new leader ${survivor.election.leader?.slice(-6) ?? 'none'}, after = ${readAfterFailover ?? '(absent)'}`)
    return { voters, readOnFollower, casSucceeded, readAfterFailover }
  } finally {
    await Promise.all(nodes.map(async node => { await node.stop() }))
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => { console.error(err); process.exitCode = 1 })
}
