import { Writable } from 'node:stream'
import { describe, expect, it } from '@jest/globals'
import { defineService, type MeshConfig } from '@meshwork/core-mesh'
import { loadNodeConfig, type NodeConfig } from '../src/config/node-config.js'
import { createPromMetrics } from '../src/metrics.js'
import { MetricsServer } from '../src/metrics-server.js'
import { hostNode } from '../src/node-host.js'
import type { ImportModule } from '../src/plugins.js'
import { FakeNode, memoryFiles, type MemoryFiles } from './fakes.js'

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
      expect(given?.discovery).toEqual([discovery])
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
