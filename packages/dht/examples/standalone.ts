/**
 * @meshwork/dht on its own: three mesh nodes on loopback with a private DHT, no apps/node.
 * Build with `tsc -b packages/dht`, run with `node packages/dht/dist/examples/standalone.js`.
 */
import { pathToFileURL } from 'node:url'
import { createMeshNode, type MeshNode } from '@meshwork/core-mesh'
import { withDht, type MeshDht } from '@meshwork/dht'

export interface ExampleResult {
  record: string
  sequence: bigint
  providers: string[]
  foundAddresses: string[]
}

export async function main (log: (line: string) => void = console.log): Promise<ExampleResult> {
  const nodes: MeshNode[] = []
  const start = async (bootstrap: string[]): Promise<MeshNode> => {
    // withDht adds kad-dht to the libp2p node, the `dht` service and its random-walk discovery
    const node = await createMeshNode(withDht({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap }, { meshId: 'example', mode: 'server' }))
    await node.start()
    nodes.push(node)
    return node
  }
  try {
    const seed = await start([])
    const alice = await start(seed.addresses())
    const bob = await start(seed.addresses())
    const dhtOf = (node: MeshNode): MeshDht => {
      const dht = node.service<MeshDht>('dht')
      if (dht === undefined) throw new Error('no dht service')
      return dht
    }
    // routing tables fill as the nodes meet; wait until bob's knows alice
    for (let i = 0; i < 100 && !dhtOf(bob).routingTablePeers().includes(alice.peerId); i++) await new Promise(resolve => setTimeout(resolve, 50))

    // a signed, mutable record: key /mw-signed/<alice>/<name>; the highest sequence wins
    const put = await dhtOf(alice).put('status', new TextEncoder().encode('online'), { ttlMs: 60_000 })
    log(`alice put ${put.key} (sequence ${put.sequence}) on ${put.storedAt.length} peers`)
    const got = await dhtOf(bob).get(alice.peerId, 'status', {
      signal: AbortSignal.timeout(5_000),
      onProgress: (event) => { if (event.type === 'value') log(`  value from ${event.peer} at hop ${event.hop}`) }
    })
    log(`bob read "${new TextDecoder().decode(got.value)}" (sequence ${got.sequence})`)

    // announce a service, and find who provides it
    await dhtOf(alice).provide('service/echo')
    const providers = await dhtOf(bob).findProviders('service/echo')
    log(`providers of service/echo: ${providers.map(p => p.id).join(', ')}`)

    // find a peer's addresses through the DHT
    const found = await dhtOf(seed).findPeer(bob.peerId)
    log(`seed found bob at ${found.addresses.join(', ')}`)
    return { record: new TextDecoder().decode(got.value), sequence: got.sequence, providers: providers.map(p => p.id), foundAddresses: found.addresses }
  } finally {
    await Promise.all(nodes.map(async node => { await node.stop() }))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => { console.error(err); process.exitCode = 1 })
}
