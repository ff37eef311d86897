import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { MeshConfig } from '@meshwork/core-mesh'
import { parseCliArgs, type DemoCommand, type StartCommand } from '../src/cli/args.js'
import { demoCommand, type RunningDemo } from '../src/cli/commands/demo.js'
import { startCommand } from '../src/cli/commands/start.js'
import { runCli } from '../src/cli/run.js'
import { NodeUnavailableError } from '../src/errors.js'
import type { CreateNode } from '../src/node-api.js'
import type { HostedNode } from '../src/node-host.js'
import { collectIo, FakeNode, FakeProcess, peerRecord } from './fakes.js'

const unusedCreateNode: CreateNode = async () => { throw new Error('client commands must not create a node') }

function logSink (): { lines: string[], stream: Writable } {
  const lines: string[] = []
  return { lines, stream: new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done() } }) }
}

async function cli (argv: string[], env: Record<string, string> = {}): Promise<{ code: number, out: string[], err: string[] }> {
  const { out, err, io } = collectIo()
  // homeDir: nothing a test does may reach the real ~/.meshwork.
  const code = await runCli(argv, { createNode: unusedCreateNode, env, io, homeDir: dir })
  return { code, out, err }
}

async function refusesConnections (port: number): Promise<boolean> {
  return await fetch(`http://127.0.0.1:${port}/health`).then(() => false, () => true)
}

async function occupiedPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshwork-cli-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('meshwork start and the client commands', () => {
  it('runs a node until SIGTERM, answers status, peers, send and broadcast, then cleans up', async () => {
    const node = new FakeNode()
    let given: MeshConfig | undefined
    const proc = new FakeProcess()
    const logs = logSink()
    let ready: (hosted: HostedNode) => void = () => {}
    const readyPromise = new Promise<HostedNode>(resolve => { ready = resolve })
    const command = parseCliArgs(['start', '--data-dir', dir, '--admin-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0']) as StartCommand
    const running = startCommand(command, {
      createNode: async (config) => { given = config; return node },
      env: {},
      homeDir: dir,
      io: collectIo().io,
      logDestination: logs.stream,
      process: proc,
      onReady: ready
    })
    const hosted = await Promise.race([readyPromise, running.then(() => { throw new Error('start returned early') })])
    try {
      expect(node.starts).toBe(1)
      expect(given).toMatchObject({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], joinPolicy: { mode: 'OPEN' } })
      expect(given?.logger).toBeDefined()
      expect(given?.metrics).toBeDefined()
      const endpoint = JSON.parse(await readFile(join(dir, 'admin.json'), 'utf8'))
      expect(endpoint).toEqual({ host: '127.0.0.1', port: hosted.admin.port })
      expect(logs.lines.map(line => JSON.parse(line))).toContainEqual(expect.objectContaining({ msg: 'node started', peerId: '12D3KooWSelf' }))

      const status = await cli(['status', '--data-dir', dir])
      expect(status.code).toBe(0)
      expect(status.out.join('\n')).toMatch(/peer id\s+12D3KooWSelf/)
      expect(status.out.join('\n')).toContain('HEALTHY (3 members, 0 unreachable)')

      const statusJson = await cli(['status', '--json'], { MESHWORK_DATA_DIR: dir })
      expect(JSON.parse(statusJson.out[0])).toMatchObject({ peerId: '12D3KooWSelf', status: 'HEALTHY', admin: `http://127.0.0.1:${hosted.admin.port}` })

      node.peerList = [peerRecord('12D3KooWKnown', 'known'), peerRecord('12D3KooWLive', 'connected', 2.25)]
      const peers = await cli(['peers', '--data-dir', dir])
      expect(peers.code).toBe(0)
      expect(peers.out[0]).toMatch(/^PEER ID\s+STATUS\s+RTT/)
      expect(peers.out[1]).toMatch(/^12D3KooWLive\s+connected\s+2\.3 ms/)
      expect(peers.out[2]).toMatch(/^12D3KooWKnown\s+known\s+-/)
      expect(JSON.parse((await cli(['peers', '--json', '--data-dir', dir])).out[0])).toHaveLength(2)

      const send = await cli(['send', '12D3KooWLive', 'hello', 'mesh', '--data-dir', dir])
      expect(send).toMatchObject({ code: 0, out: ['sent 10 bytes to 12D3KooWLive'] })
      expect(new TextDecoder().decode(node.sent[0].data)).toBe('hello mesh')

      const broadcast = await cli(['broadcast', 'hi', '--json', '--data-dir', dir])
      expect(JSON.parse(broadcast.out[0])).toEqual({ id: 'cafe01', bytes: 2 })

      const wrongToken = await cli(['status', '--data-dir', dir, '--admin-token', 'not-the-right-token'])
      expect(wrongToken.code).toBe(1)
      expect(wrongToken.err[0]).toContain('UnauthorizedError')
    } finally {
      // Also when an expectation failed: a node left running would keep jest from exiting.
      proc.emit('SIGTERM')
      await running
    }
    expect(node.stops).toBe(1)
    await expect(readFile(join(dir, 'admin.json'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await refusesConnections(hosted.admin.port)).toBe(true)
    expect(proc.listenerCount('SIGTERM')).toBe(0)
  })

  it('exits 1 when the node cannot be created, and leaves no admin.json', async () => {
    const { out, err, io } = collectIo()
    const code = await runCli(['start', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent'], {
      createNode: async () => { throw new NodeUnavailableError('no node in this build') },
      env: {},
      homeDir: dir,
      io
    })
    expect(code).toBe(1)
    expect(out).toEqual([])
    expect(err[0]).toBe('meshwork: NodeUnavailableError: no node in this build')
    await expect(readFile(join(dir, 'admin.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('stops the node again when the admin port is taken', async () => {
    const { server, port } = await occupiedPort()
    try {
      const node = new FakeNode()
      const { err, io } = collectIo()
      const code = await runCli(['start', '--data-dir', dir, '--admin-port', String(port), '--log-level', 'silent'], {
        createNode: async () => node,
        env: {},
      homeDir: dir,
        io
      })
      expect(code).toBe(1)
      expect(err[0]).toContain('EADDRINUSE')
      expect(node.starts).toBe(1)
      expect(node.stops).toBe(1)
    } finally {
      server.close()
    }
  })
})

describe('client commands without a running node', () => {
  it('exit 1 with AdminTokenMissingError when no token can be found', async () => {
    const result = await cli(['status', '--data-dir', dir])
    expect(result.code).toBe(1)
    expect(result.err[0]).toContain('AdminTokenMissingError')
  })

  it('exit 1 with AdminUnreachableError when nothing listens', async () => {
    const { server, port } = await occupiedPort()
    await new Promise(resolve => server.close(resolve))
    await writeFile(join(dir, 'admin.token'), 'x'.repeat(32))
    await writeFile(join(dir, 'admin.json'), JSON.stringify({ host: '127.0.0.1', port }))
    const result = await cli(['peers', '--data-dir', dir, '--timeout', '2000'])
    expect(result.code).toBe(1)
    expect(result.err[0]).toContain(`AdminUnreachableError: cannot reach the admin API at http://127.0.0.1:${port}/api/peers`)
  })
})

describe('exit codes', () => {
  it('0 for help and keygen', async () => {
    const help = await cli(['help'])
    expect(help.code).toBe(0)
    expect(help.out[0]).toContain('Usage: meshwork <command>')
    const keygen = await cli(['keygen'])
    expect(keygen.code).toBe(0)
    expect(keygen.out[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.parse((await cli(['keygen', '--json'])).out[0]).meshKey).toMatch(/^[0-9a-f]{64}$/)
  })

  it('2 for a usage error', async () => {
    const result = await cli(['launch'])
    expect(result.code).toBe(2)
    expect(result.err).toEqual(['meshwork: UsageError: unknown command "launch"', 'run "meshwork help" for usage'])
  })

  it('2 for a configuration error', async () => {
    const { err, io } = collectIo()
    const code = await runCli(['start', '--data-dir', dir], { createNode: unusedCreateNode, env: { MESHWORK_ADMIN_PORT: 'abc' }, io, homeDir: dir })
    expect(code).toBe(2)
    expect(err[0]).toContain('InvalidConfigError: admin.port')
    expect(err[0]).toContain('MESHWORK_ADMIN_PORT')
  })
})

describe('meshwork demo', () => {
  /** Fake nodes that see every other started node as a connected peer. */
  function fakeMesh (): { nodes: FakeNode[], createNode: CreateNode } {
    const nodes: FakeNode[] = []
    const createNode: CreateNode = async (config) => {
      const node = new FakeNode(`12D3KooWDemo${nodes.length}`, config)
      Object.defineProperty(node, 'peerList', {
        get: () => nodes.filter(other => other !== node && other.starts > other.stops).map(other => peerRecord(other.peerId, 'connected', 1))
      })
      nodes.push(node)
      return node
    }
    return { nodes, createNode }
  }

  it('starts N nodes, each bootstrapping to all earlier ones, prints them, serves node 0\'s admin API, and stops them', async () => {
    const { nodes, createNode } = fakeMesh()
    const { out, io } = collectIo()
    let demo: RunningDemo | undefined
    const command = parseCliArgs(['demo', '--nodes', '3', '--duration', '0.3', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent']) as DemoCommand
    await demoCommand(command, {
      createNode,
      env: {},
      homeDir: dir,
      io,
      process: new FakeProcess(),
      onReady: (running) => { demo = running }
    })
    expect(nodes).toHaveLength(3)
    expect(nodes[0].config).toMatchObject({ transport: 'tcp', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    expect(nodes[0].config.bootstrap).toBeUndefined()
    expect(nodes[0].config.dataDir).toBeUndefined()
    expect(nodes[1].config.bootstrap).toEqual(nodes[0].addresses())
    expect(nodes[2].config.bootstrap).toEqual([...nodes[0].addresses(), ...nodes[1].addresses()])
    // Every node has a DHT and gossip of its own: their parts belong to one node each.
    expect(nodes.map(node => Object.keys(node.config.libp2pServices ?? {}))).toEqual([['dht', 'gossipsub'], ['dht', 'gossipsub'], ['dht', 'gossipsub']])
    expect(new Set(nodes.map(node => node.config.services?.[0])).size).toBe(3)
    expect(new Set(nodes.map(node => node.config.broadcast)).size).toBe(3)
    expect(nodes.map(node => node.config.services?.map(factory => factory.meta.name))).toEqual(Array(3).fill(['dht', 'membership', 'pubsub']))
    expect(out[0]).toMatch(/^#\s+PEER ID\s+PEERS\s+HEALTH\s+ADDRESS$/)
    expect(out.slice(1, 4).map(line => line.split(/\s+/).slice(0, 4))).toEqual([
      ['0', '12D3KooWDemo0', '2', 'HEALTHY'],
      ['1', '12D3KooWDemo1', '2', 'HEALTHY'],
      ['2', '12D3KooWDemo2', '2', 'HEALTHY']
    ])
    expect(out).toContain(`admin API of node 0: http://127.0.0.1:${demo?.admin.port} (try: meshwork peers)`)
    expect(nodes.map(node => [node.starts, node.stops])).toEqual([[1, 1], [1, 1], [1, 1]])
    await expect(readFile(join(dir, 'admin.json'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await refusesConnections(demo?.admin.port ?? 0)).toBe(true)
  })

  it('starts its nodes without a DHT with --no-dht, and without gossip with --no-gossip', async () => {
    const { nodes, createNode } = fakeMesh()
    const command = parseCliArgs(['demo', '--nodes', '2', '--no-dht', '--duration', '0.1', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent']) as DemoCommand
    await demoCommand(command, { createNode, env: {}, homeDir: dir, io: collectIo().io, process: new FakeProcess() })
    expect(nodes.map(node => Object.keys(node.config.libp2pServices ?? {}))).toEqual([['gossipsub'], ['gossipsub']])
    const bare = fakeMesh()
    const withoutGossip = parseCliArgs(['demo', '--nodes', '2', '--no-dht', '--no-gossip', '--duration', '0.1', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent']) as DemoCommand
    await demoCommand(withoutGossip, { createNode: bare.createNode, env: {}, homeDir: dir, io: collectIo().io, process: new FakeProcess() })
    expect(bare.nodes.map(node => [node.config.libp2pServices, node.config.broadcast])).toEqual([[undefined, undefined], [undefined, undefined]])
  })

  it('prints JSON with --json and stops on SIGINT', async () => {
    const { nodes, createNode } = fakeMesh()
    const { out, io } = collectIo()
    const proc = new FakeProcess()
    const command = parseCliArgs(['demo', '--nodes', '2', '--json', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent']) as DemoCommand
    const finished = demoCommand(command, { createNode, env: {}, homeDir: dir, io, process: proc, onReady: () => { proc.emit('SIGINT') } })
    await finished
    const printed = JSON.parse(out[0])
    expect(printed).toMatchObject({ converged: true, nodes: [{ index: 0, connectedPeers: 1 }, { index: 1, connectedPeers: 1 }] })
    expect(nodes.every(node => node.stops === 1)).toBe(true)
  })

  it('stops the nodes it started when one fails to start', async () => {
    const { nodes, createNode } = fakeMesh()
    const failing: CreateNode = async (config) => {
      if (nodes.length === 2) throw new Error('port exhausted')
      return await createNode(config)
    }
    const command = parseCliArgs(['demo', '--nodes', '3', '--data-dir', dir, '--admin-port', '0', '--log-level', 'silent']) as DemoCommand
    await expect(demoCommand(command, { createNode: failing, env: {}, homeDir: dir, io: collectIo().io, process: new FakeProcess() })).rejects.toThrow('port exhausted')
    expect(nodes.map(node => node.stops)).toEqual([1, 1])
  })
})
