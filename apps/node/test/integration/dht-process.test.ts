import { afterAll, describe, expect, it } from '@jest/globals'
import { ProcessFixture, type MeshworkProcess, until } from './meshwork-process.js'

const TOKEN = 'd'.repeat(24) + 'dht-process-test-token'
const MESH_ID = 'process-test'

interface DhtStatus { mode: string, protocol: string, routingTableSize: number }

describe('the DHT across three meshwork processes over TCP', () => {
  const fixture = new ProcessFixture(TOKEN)
  afterAll(async () => { await fixture.cleanUp() })

  async function launch (bootstrap: string[]): Promise<{ process: MeshworkProcess, peerId: string, addresses: string[] }> {
    const process = await fixture.spawn(['--dht-mesh-id', MESH_ID, ...bootstrap.flatMap(address => ['--bootstrap', address])])
    const { peerId, addresses } = await process.ready()
    return { process, peerId, addresses }
  }

  async function dhtStatus (process: MeshworkProcess): Promise<DhtStatus> {
    return await process.api('/api/dht/status') as DhtStatus
  }

  it('puts and gets a record, finds a provider and a peer, and exits 1 for a missing record', async () => {
    const a = await launch([])
    // b and c know only a: whatever they learn of each other, they learn through the mesh and the DHT.
    const [b, c] = await Promise.all([launch(a.addresses), launch(a.addresses)])
    await until(async () => (await dhtStatus(a.process)).routingTableSize >= 2, 'a\'s routing table holds b and c')
    for (const node of [b, c]) await until(async () => (await dhtStatus(node.process)).routingTableSize >= 1, `${node.peerId}'s routing table`)
    // The configured mesh id names the private DHT; loopback addresses make every node a server.
    expect(await dhtStatus(b.process)).toMatchObject({ mode: 'server', protocol: `/meshwork/${MESH_ID}/kad/1.0.0` })

    // Each command is a process of its own (about a second to start): the independent ones run together.
    const before = Date.now()
    const [put, provide, peer, missing] = await Promise.all([
      a.process.cli('dht', 'put', 'greeting', 'hello from a', '--ttl', '60000'),
      c.process.cli('dht', 'provide', 'service/search'),
      b.process.cli('dht', 'find-peer', c.peerId, '--json'),
      c.process.cli('dht', 'get', a.peerId, 'no-such-record')
    ])
    expect(put).toMatchObject({ code: 0, stderr: '' })
    expect(put.stdout).toContain('stored "greeting" (12 bytes, sequence 1)')
    expect(provide).toMatchObject({ code: 0, stderr: '' })
    expect(provide.stdout).toMatch(/^providing "service\/search" \(cid \w+\)$/m)

    expect(peer).toMatchObject({ code: 0, stderr: '' })
    const found = JSON.parse(peer.stdout) as { id: string, addresses: string[] }
    expect(found.id).toBe(c.peerId)
    const port = c.addresses[0].split('/')[4]
    expect(found.addresses.some(address => address.includes(`/tcp/${port}`))).toBe(true)

    expect(missing.code).toBe(1)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toContain('404 RecordNotFoundError: no valid record for')

    const [got, providers] = await Promise.all([
      b.process.cli('dht', 'get', a.peerId, 'greeting', '--json'),
      a.process.cli('dht', 'find-providers', 'service/search', '--json')
    ])
    expect(got).toMatchObject({ code: 0, stderr: '' })
    const record = JSON.parse(got.stdout) as { owner: string, value: string, sequence: string, expiresAt: number }
    expect(record).toMatchObject({ owner: a.peerId, name: 'greeting', value: 'hello from a', sequence: '1' })
    expect(record.expiresAt).toBeGreaterThanOrEqual(before + 60_000)
    expect(record.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000)
    expect(providers).toMatchObject({ code: 0, stderr: '' })
    expect((JSON.parse(providers.stdout) as { providers: Array<{ id: string }> }).providers.map(p => p.id)).toEqual([c.peerId])
  }, 60_000)
})
