import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { createMeshNode, type HealthStatus, type MeshNode } from '../../src/index.js'
import { NodeFixture, eventually } from './fixtures.js'

async function mesh (fixture: NodeFixture, n: number): Promise<MeshNode[]> {
  const nodes: MeshNode[] = []
  for (let i = 0; i < n; i++) nodes.push(await fixture.node())
  for (const node of nodes.slice(1)) await node.join(nodes[0].addresses())
  for (let i = 1; i < n; i++) for (let j = i + 1; j < n; j++) await nodes[j].join(nodes[i].addresses())
  return nodes
}

describe('link health', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('measures RTT with heartbeats and emits connect events', async () => {
    const a = await fixture.node()
    const connects: string[] = []
    a.addEventListener('peer:connect', (event) => { connects.push(event.detail.peer) })
    const b = await fixture.node()
    await a.join(b.addresses())
    await eventually(() => (a.peers().find(p => p.id === b.peerId)?.rttMs ?? -1) >= 0, 'an RTT sample')
    expect(connects).toEqual([b.peerId])
    const record = a.peers().find(p => p.id === b.peerId)!
    expect(record.status).toBe('connected')
    expect(record.connectedAt).toBeGreaterThan(0)
    expect(record.addresses.some(addr => addr.includes(b.peerId))).toBe(true)
  })

  it('a dead peer becomes unreachable and health DEGRADED, then CRITICAL; recovery brings HEALTHY back', async () => {
    const [a, b, c] = await mesh(fixture, 3)
    const statuses: HealthStatus[] = []
    a.addEventListener('health', (event) => { statuses.push(event.detail.status) })
    const unreachable: string[] = []
    a.addEventListener('peer:unreachable', (event) => { unreachable.push(event.detail.peer) })
    const cAddresses = c.addresses()
    await c.libp2pNode.stop()
    await eventually(() => a.health().status === 'DEGRADED', 'DEGRADED after one peer died', 8000)
    expect(unreachable).toEqual([c.peerId])
    expect(a.health()).toEqual({ status: 'DEGRADED', members: 3, unreachable: 1 })
    await b.libp2pNode.stop()
    await eventually(() => a.health().status === 'CRITICAL', 'CRITICAL after two of two died', 8000)
    // c comes back on the same address: the reconnector finds it and health recovers in part.
    await c.libp2pNode.start()
    await a.join(c.libp2pNode.getMultiaddrs().map(m => m.toString()).concat(cAddresses))
    await eventually(() => a.health().status === 'DEGRADED', 'DEGRADED again once c is back', 8000)
    expect(statuses).toEqual(['DEGRADED', 'CRITICAL', 'DEGRADED'])
  })

  it('a graceful leave is not a failure: peers mark the node left and stay HEALTHY', async () => {
    const [a, b, c] = await mesh(fixture, 3)
    const left: string[] = []
    a.addEventListener('peer:left', (event) => { left.push(event.detail.peer) })
    await c.leave()
    await eventually(() => left.includes(c.peerId), 'leave announced')
    await new Promise(resolve => setTimeout(resolve, 600))
    expect(a.health()).toEqual({ status: 'HEALTHY', members: 2, unreachable: 0 })
    expect(b.health().status).toBe('HEALTHY')
    expect(a.peers().find(p => p.id === c.peerId)?.status).toBe('left')
  })
})

describe('persistence', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('keeps its identity (mode 0600) and reconnects to the peers it knew after a restart', async () => {
    const dataDir = await fixture.dataDir()
    const b = await fixture.node()
    const first = await createMeshNode({ dataDir })
    await first.start()
    await first.join(b.addresses())
    const id = first.peerId
    await first.stop()
    const mode = (await stat(join(dataDir, 'identity.key'))).mode & 0o777
    expect(mode).toBe(0o600)

    const second = await fixture.node({ dataDir })
    expect(second.peerId).toBe(id)
    // No bootstrap given: the persisted registry alone brings b back.
    await eventually(() => second.connectedPeers().includes(b.peerId), 'reconnected to b from the registry')
  })

  it('refuses a corrupt identity file with a typed error', async () => {
    const dataDir = await fixture.dataDir()
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(dataDir, 'identity.key'), 'not a key')
    await expect(createMeshNode({ dataDir })).rejects.toMatchObject({ name: 'IdentityError' })
  })
})

describe('registry addresses', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('records only dialable addresses: the dialled one and the peer\'s listen addresses, never an ephemeral port', async () => {
    const a = await fixture.node()
    const b = await fixture.node()
    await a.join(b.addresses())
    await eventually(() => (b.peers().find(p => p.id === a.peerId)?.addresses.length ?? 0) > 0, 'b learned a\'s listen address')
    const listenPorts = (node: typeof a): string[] => node.addresses().map(addr => addr.split('/tcp/')[1].split('/')[0])
    const portsOf = (addresses: string[]): string[] => addresses.map(addr => addr.split('/tcp/')[1].split('/')[0])
    expect(portsOf(b.peers().find(p => p.id === a.peerId)!.addresses).every(port => listenPorts(a).includes(port))).toBe(true)
    expect(portsOf(a.peers().find(p => p.id === b.peerId)!.addresses).every(port => listenPorts(b).includes(port))).toBe(true)
  })
})
