import { Writable } from 'node:stream'
import { describe, expect, it } from '@jest/globals'
import { defineService, type MeshConfig } from '@meshwork/core-mesh'
import { loadNodeConfig, type NodeConfig } from '../src/config/node-config.js'
import { createPromMetrics } from '../src/metrics.js'
import { MetricsServer } from '../src/metrics-server.js'
import { hostNode } from '../src/node-host.js'
import type { ImportModule } from '../src/plugins.js'
import { FakeConsensus, FakeDht, FakeMembership, FakeNode, FakePubSub, groupStatus, member, memoryFiles, PEER_B, type MemoryFiles } from './fakes.js'

const discovery = defineService({ name: 'test-discovery' }, () => ({}))
const router = defineService({ name: 'test-router' }, () => ({}))
const importModule: ImportModule = async (specifier) => ({ default: specifier === '/plugins/router.js' ? router : discovery })

function logSink (): { records: () => Array<Record<string, unknown>>, stream: Writable } {
  const lines: string[] = []
  return {
    records: () => lines.map(line => JSON.parse(line) as Record<string, unknown>),
    stream: new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done() } })
  }
}

async function config (files: MemoryFiles, argv: string[] = []): Promise<NodeConfig> {
  return await loadNodeConfig({ argv: ['--data-dir', '/data', '--admin-port', '0', ...argv], env: {}, readFile: files.readFile, writeFile: files.writeFile, homeDir: '/home/mesh', cwd: '/work' })
}

describe('hostNode', () => {
  it('wires plugins, logger and metrics into the node, logs its events, and stops everything once', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    let given: MeshConfig | undefined
    const hosted = await hostNode(await config(files, ['--discovery-plugin', '/plugins/discovery.js', '--router-plugin', '/plugins/router.js']), {
      createNode: async (meshConfig) => { given = meshConfig; return node },
      files,
      logDestination: logs.stream,
      importModule
    })
    try {
      // The DHT, gossip and consensus come after the plugins: their discovery is added to theirs, not in their place.
      expect(given?.discovery?.[0]).toBe(discovery)
      expect(given?.discovery?.map(factory => factory.meta.name)).toEqual(['test-discovery', 'dht-discovery', 'membership-discovery', 'raft-members'])
      expect(given?.router).toBe(router)
      expect(given?.metrics).toBe(hosted.metrics)
      expect(JSON.parse(files.files.get('/data/admin.json') ?? '')).toEqual({ host: '127.0.0.1', port: hosted.admin.port })

      node.emit('peer:connect', { peer: '12D3KooWPeerA' })
      node.emit('health', { status: 'DEGRADED', previous: 'HEALTHY', members: 3, unreachable: 1 })
      expect(logs.records()).toEqual(expect.arrayContaining([
        expect.objectContaining({ msg: 'peer connected', peer: '12D3KooWPeerA', peerId: '12D3KooWSelf' }),
        expect.objectContaining({ msg: 'health changed', status: 'DEGRADED', previous: 'HEALTHY', unreachable: 1 })
      ]))
    } finally {
      await Promise.all([hosted.stop(), hosted.stop()])
    }
    await hosted.stop()
    expect(node.stops).toBe(1)
    expect(files.files.has('/data/admin.json')).toBe(false)
    expect(await fetch(`http://127.0.0.1:${hosted.admin.port}/health`).then(() => 'open', () => 'closed')).toBe('closed')
  })

  it('adds the DHT to the mesh config, serves it on the admin API and logs its status', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const dht = new FakeDht(node.peerId)
    node.services.set('dht', dht)
    let given: MeshConfig | undefined
    const token = 'host-test-token-0123456789'
    const hosted = await hostNode(await config(files, ['--admin-token', token, '--dht-network', 'public', '--dht-mode', 'client']), {
      createNode: async (meshConfig) => { given = meshConfig; return node },
      files,
      logDestination: logs.stream
    })
    try {
      expect(Object.keys(given?.libp2pServices ?? {})).toEqual(['dht', 'gossipsub'])
      expect(given?.services?.map(factory => factory.meta.name)).toEqual(['dht', 'membership', 'pubsub', 'consensus'])
      expect(given?.discovery?.map(factory => factory.meta.name)).toEqual(['dht-discovery', 'membership-discovery', 'raft-members'])
      const status = await fetch(`http://127.0.0.1:${hosted.admin.port}/api/dht/status`, { headers: { authorization: `Bearer ${token}` } })
      expect(await status.json()).toEqual(dht.statusReport)
      expect(logs.records()).toContainEqual(expect.objectContaining({ msg: 'node started', dht: { enabled: true, ...dht.statusReport } }))
    } finally {
      await hosted.stop()
    }
  })

  it('leaves the DHT, gossip and consensus out with --no-dht --no-gossip --no-consensus: no libp2p service, no mesh service, no discovery, flooding broadcast', async () => {
    const files = memoryFiles()
    const logs = logSink()
    let given: MeshConfig | undefined
    const hosted = await hostNode(await config(files, ['--no-dht', '--no-gossip', '--no-consensus']), {
      createNode: async (meshConfig) => { given = meshConfig; return new FakeNode() },
      files,
      logDestination: logs.stream
    })
    await hosted.stop()
    expect(given?.libp2pServices).toBeUndefined()
    expect(given?.services).toBeUndefined()
    expect(given?.discovery).toBeUndefined()
    expect(given?.broadcast).toBeUndefined()
    expect(logs.records()).toContainEqual(expect.objectContaining({ msg: 'node started', dht: { enabled: false }, gossip: { enabled: false }, consensus: { enabled: false } }))
  })

  it('adds gossip: Plumtree as the broadcast, the membership service and its discovery, pub/sub', async () => {
    const files = memoryFiles()
    let given: MeshConfig | undefined
    const hosted = await hostNode(await config(files, ['--no-dht', '--no-consensus', '--region', 'eu-west', '--probe-interval-ms', '300', '--probe-timeout-ms', '100', '--log-level', 'silent']), {
      createNode: async (meshConfig) => { given = meshConfig; return new FakeNode() },
      files
    })
    await hosted.stop()
    expect(given?.broadcast?.meta.name).toBe('plumtree')
    expect(Object.keys(given?.libp2pServices ?? {})).toEqual(['gossipsub'])
    expect(given?.services?.map(factory => factory.meta.name)).toEqual(['membership', 'pubsub'])
    expect(given?.discovery?.map(factory => factory.meta.name)).toEqual(['membership-discovery'])
  })

  it('leaves pub/sub out with --no-pubsub, keeping membership and Plumtree', async () => {
    const files = memoryFiles()
    let given: MeshConfig | undefined
    const hosted = await hostNode(await config(files, ['--no-dht', '--no-consensus', '--no-pubsub', '--log-level', 'silent']), {
      createNode: async (meshConfig) => { given = meshConfig; return new FakeNode() },
      files
    })
    await hosted.stop()
    expect(given?.broadcast?.meta.name).toBe('plumtree')
    expect(given?.libp2pServices).toEqual({})
    expect(given?.services?.map(factory => factory.meta.name)).toEqual(['membership'])
  })

  it('serves the membership and pub/sub on the admin API, logs membership events, and leaves before the node stops', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const membership = new FakeMembership(node.peerId)
    const pubsub = new FakePubSub()
    node.services.set('membership', membership)
    node.services.set('pubsub', pubsub)
    const order: string[] = []
    membership.onLeave = async () => { order.push(`leave (node stops: ${node.stops})`) }
    const token = 'host-test-token-0123456789'
    const hosted = await hostNode(await config(files, ['--admin-token', token, '--no-dht']), {
      createNode: async () => node,
      files,
      logDestination: logs.stream
    })
    try {
      const auth = { authorization: `Bearer ${token}` }
      const members = await (await fetch(`http://127.0.0.1:${hosted.admin.port}/api/members`, { headers: auth })).json() as { members: unknown[] }
      expect(members.members).toHaveLength(2)
      const published = await fetch(`http://127.0.0.1:${hosted.admin.port}/api/publish`, { method: 'POST', headers: auth, body: JSON.stringify({ topic: 'news', data: 'hi' }) })
      expect(published.status).toBe(200)
      expect(pubsub.published).toHaveLength(1)

      membership.emit({ type: 'member:dead', member: member(PEER_B, 'dead'), from: node.peerId })
      membership.emit({ type: 'partitioned', counts: { reachable: 1, total: 2, quorum: 2 } })
      expect(logs.records()).toEqual(expect.arrayContaining([
        expect.objectContaining({ msg: 'node started', gossip: { enabled: true, status: 'HEALTHY', localHealth: 0, members: { alive: 2, suspect: 0, dead: 0, left: 0 }, pubsub: true } }),
        expect.objectContaining({ msg: 'member dead', member: PEER_B, from: node.peerId, component: 'membership' }),
        expect.objectContaining({ msg: 'membership partitioned', reachable: 1, quorum: 2 })
      ]))
    } finally {
      await hosted.stop()
    }
    expect(order).toEqual(['leave (node stops: 0)'])
    expect(node.stops).toBe(1)
  })

  it('stops the node even when leaving the membership fails', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const membership = new FakeMembership(node.peerId)
    membership.onLeave = async () => { throw new Error('membership is not started') }
    node.services.set('membership', membership)
    const hosted = await hostNode(await config(files, ['--no-dht']), { createNode: async () => node, files, logDestination: logs.stream })
    await hosted.stop()
    expect(node.stops).toBe(1)
    expect(logs.records()).toContainEqual(expect.objectContaining({ msg: 'could not leave the membership gracefully' }))
  })

  it('adds consensus, serves the KV store and Raft on the admin API, and logs the control group once ready', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const consensus = new FakeConsensus(node.peerId)
    let becomeReady: () => void = () => {}
    consensus.onReady = async () => { await new Promise<void>(resolve => { becomeReady = resolve }) }
    node.services.set('consensus', consensus)
    let given: MeshConfig | undefined
    const token = 'host-test-token-0123456789'
    const hosted = await hostNode(await config(files, ['--admin-token', token, '--no-dht', '--no-gossip']), {
      createNode: async (meshConfig) => { given = meshConfig; return node },
      files,
      logDestination: logs.stream
    })
    try {
      expect(given?.services?.map(factory => factory.meta.name)).toEqual(['consensus'])
      expect(given?.discovery?.map(factory => factory.meta.name)).toEqual(['raft-members'])
      const health = { enabled: true, role: 'leader', leader: node.peerId, term: 3, quorumActive: true, voters: 3, member: true }
      // The start does not wait for a leader: a joining node may wait long.
      expect(consensus.readyCalls).toBe(1)
      expect(logs.records()).toContainEqual(expect.objectContaining({ msg: 'node started', consensus: health }))
      expect(logs.records().some(line => line.msg === 'consensus ready')).toBe(false)
      becomeReady()
      await new Promise(resolve => setImmediate(resolve))
      expect(logs.records()).toContainEqual(expect.objectContaining({
        msg: 'consensus ready', component: 'consensus', role: 'leader', leader: node.peerId, term: 3, voters: 3
      }))

      const auth = { authorization: `Bearer ${token}` }
      const base = `http://127.0.0.1:${hosted.admin.port}`
      expect((await fetch(`${base}/api/kv`, { method: 'PUT', headers: auth, body: JSON.stringify({ key: 'k', value: 'v' }) })).status).toBe(200)
      expect(await (await fetch(`${base}/api/kv?key=k`, { headers: auth })).json()).toMatchObject({ key: 'k', value: 'v' })
      expect(await (await fetch(`${base}/api/raft`, { headers: auth })).json()).toEqual({ id: node.peerId, groups: [groupStatus(node.peerId)] })
    } finally {
      await hosted.stop()
    }
  })

  it('stops waiting for consensus to be ready when the node stops', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const consensus = new FakeConsensus(node.peerId)
    let signal: AbortSignal | undefined
    consensus.onReady = async (options) => {
      signal = options?.signal
      await new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }) })
    }
    node.services.set('consensus', consensus)
    const hosted = await hostNode(await config(files, ['--no-dht', '--no-gossip']), { createNode: async () => node, files, logDestination: logs.stream })
    await hosted.stop()
    expect(signal?.aborted).toBe(true)
    await new Promise(resolve => setImmediate(resolve))
    expect(logs.records().some(line => line.msg === 'consensus ready' || line.msg === 'consensus did not become ready')).toBe(false)
  })

  it('warns when waiting for consensus fails', async () => {
    const files = memoryFiles()
    const logs = logSink()
    const node = new FakeNode()
    const consensus = new FakeConsensus(node.peerId)
    consensus.onReady = async () => { throw new Error('storage closed') }
    node.services.set('consensus', consensus)
    const hosted = await hostNode(await config(files, ['--no-dht', '--no-gossip']), { createNode: async () => node, files, logDestination: logs.stream })
    await new Promise(resolve => setImmediate(resolve))
    await hosted.stop()
    expect(logs.records()).toContainEqual(expect.objectContaining({ msg: 'consensus did not become ready', level: 'warn' }))
  })

  it('creates no node when a plugin cannot be loaded', async () => {
    const files = memoryFiles()
    let created = 0
    const failing: ImportModule = async () => { throw new Error('Cannot find module') }
    await expect(hostNode(await config(files, ['--discovery-plugin', '/plugins/missing.js', '--log-level', 'silent']), {
      createNode: async () => { created++; return new FakeNode() },
      files,
      importModule: failing
    })).rejects.toMatchObject({ name: 'PluginLoadError' })
    expect(created).toBe(0)
  })
})

describe('MetricsServer', () => {
  it('serves /metrics and /health only, without a token', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false })
    metrics.gauge('meshwork_peers', 'peers').set(2)
    const node = new FakeNode()
    node.healthReport = { status: 'CRITICAL', members: 2, unreachable: 1 }
    const server = new MetricsServer({ node, metrics, port: 0, host: '127.0.0.1' })
    const { port } = await server.start()
    try {
      const base = `http://127.0.0.1:${port}`
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('meshwork_peers 2')
      expect((await fetch(`${base}/health`)).status).toBe(503)
      expect((await fetch(`${base}/api/peers`, { headers: { authorization: 'Bearer anything-at-all-here' } })).status).toBe(404)
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405)
    } finally {
      await server.stop()
    }
    expect(server.address).toBeUndefined()
  })
})
