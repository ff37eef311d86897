import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { loadNodeConfig, toMeshConfig, type NodeConfig } from '../src/config/node-config.js'
import { nodeTextFiles } from '../src/text-files.js'
import { memoryFiles } from './fakes.js'

const HOME = '/home/mesh'
const CWD = '/work'
const TOKEN = 'a'.repeat(32)
const KEY = 'ab'.repeat(32)

interface Layers {
  argv?: string[]
  env?: Record<string, string>
  file?: unknown
}

async function load (layers: Layers = {}, files = memoryFiles()): Promise<NodeConfig> {
  const argv = [...(layers.argv ?? [])]
  if (layers.file !== undefined) {
    files.files.set('/etc/meshwork.json', JSON.stringify(layers.file))
    argv.push('--config', '/etc/meshwork.json')
  }
  return await loadNodeConfig({
    argv,
    env: { MESHWORK_ADMIN_TOKEN: TOKEN, ...layers.env },
    readFile: files.readFile,
    writeFile: files.writeFile,
    homeDir: HOME,
    cwd: CWD
  })
}

async function configError (layers: Layers): Promise<Error> {
  try {
    await load(layers)
  } catch (err) {
    return err as Error
  }
  throw new Error('expected loadNodeConfig to throw')
}

describe('loadNodeConfig precedence: flags > environment > config file > defaults', () => {
  const cases: Array<{ field: string, flag: string[], env: Record<string, string>, file: unknown, read: (config: NodeConfig) => unknown, values: [unknown, unknown, unknown, unknown] }> = [
    {
      field: 'listen',
      flag: ['--listen', '/ip4/0.0.0.0/tcp/1', '--listen', '/ip4/0.0.0.0/tcp/2'],
      env: { MESHWORK_LISTEN: '/ip4/0.0.0.0/tcp/3,/ip4/0.0.0.0/tcp/4' },
      file: { listen: ['/ip4/0.0.0.0/tcp/5'] },
      read: config => config.listen,
      values: [['/ip4/0.0.0.0/tcp/1', '/ip4/0.0.0.0/tcp/2'], ['/ip4/0.0.0.0/tcp/3', '/ip4/0.0.0.0/tcp/4'], ['/ip4/0.0.0.0/tcp/5'], []]
    },
    {
      field: 'admin.port',
      flag: ['--admin-port', '7001'],
      env: { MESHWORK_ADMIN_PORT: '7002' },
      file: { admin: { port: 7003 } },
      read: config => config.admin.port,
      values: [7001, 7002, 7003, 7700]
    },
    {
      field: 'mdns',
      flag: ['--no-mdns'],
      env: { MESHWORK_MDNS: 'yes' },
      file: { mdns: false },
      read: config => config.mdns,
      values: [false, true, false, false]
    },
    {
      field: 'dataDir',
      flag: ['--data-dir', 'flag-dir'],
      env: { MESHWORK_DATA_DIR: '~/env-dir' },
      file: { dataDir: 'file-dir' },
      read: config => config.dataDir,
      values: ['/work/flag-dir', '/home/mesh/env-dir', '/etc/file-dir', '/home/mesh/.meshwork']
    },
    {
      field: 'logLevel',
      flag: ['--log-level', 'debug'],
      env: { MESHWORK_LOG_LEVEL: 'warn' },
      file: { logLevel: 'error' },
      read: config => config.logLevel,
      values: ['debug', 'warn', 'error', 'info']
    },
    {
      field: 'plugins.discovery',
      flag: ['--discovery-plugin', './flag-plugin.js'],
      env: { MESHWORK_DISCOVERY_PLUGINS: 'env-plugin-package' },
      file: { plugins: { discovery: ['./file-plugin.js'] } },
      read: config => config.plugins.discovery,
      values: [['/work/flag-plugin.js'], ['env-plugin-package'], ['/etc/file-plugin.js'], []]
    },
    {
      field: 'dht.enabled',
      flag: ['--dht'],
      env: { MESHWORK_DHT: 'off' },
      file: { dht: { enabled: true } },
      read: config => config.dht.enabled,
      values: [true, false, true, true]
    },
    {
      field: 'dht.network',
      flag: ['--dht-network', 'public'],
      env: { MESHWORK_DHT_NETWORK: 'private' },
      file: { dht: { network: 'public' } },
      read: config => config.dht.network,
      values: ['public', 'private', 'public', 'private']
    },
    {
      field: 'dht.meshId',
      flag: ['--dht-mesh-id', 'flag-mesh'],
      env: { MESHWORK_DHT_MESH_ID: 'env.mesh' },
      file: { dht: { meshId: 'file_mesh' } },
      read: config => config.dht.meshId,
      values: ['flag-mesh', 'env.mesh', 'file_mesh', 'default']
    },
    {
      field: 'dht.mode',
      flag: ['--dht-mode', 'server'],
      env: { MESHWORK_DHT_MODE: 'client' },
      file: { dht: { mode: 'server' } },
      read: config => config.dht.mode,
      values: ['server', 'client', 'server', 'auto']
    },
    {
      field: 'gossip.enabled',
      flag: ['--no-gossip'],
      env: { MESHWORK_GOSSIP: 'true' },
      file: { gossip: { enabled: false } },
      read: config => config.gossip.enabled,
      values: [false, true, false, true]
    },
    {
      field: 'gossip.pubsub',
      flag: ['--pubsub'],
      env: { MESHWORK_PUBSUB: 'no' },
      file: { gossip: { pubsub: true } },
      read: config => config.gossip.pubsub,
      values: [true, false, true, true]
    },
    {
      field: 'gossip.probeIntervalMs',
      flag: ['--probe-interval-ms', '700'],
      env: { MESHWORK_PROBE_INTERVAL_MS: '800' },
      file: { gossip: { probeIntervalMs: 900 } },
      read: config => config.gossip.probeIntervalMs,
      values: [700, 800, 900, undefined]
    },
    {
      field: 'gossip.probeTimeoutMs',
      flag: ['--probe-timeout-ms', '100'],
      env: { MESHWORK_PROBE_TIMEOUT_MS: '200' },
      file: { gossip: { probeTimeoutMs: 300 } },
      read: config => config.gossip.probeTimeoutMs,
      values: [100, 200, 300, undefined]
    },
    {
      field: 'gossip.gossipIntervalMs',
      flag: ['--gossip-interval-ms', '50'],
      env: { MESHWORK_GOSSIP_INTERVAL_MS: '60' },
      file: { gossip: { gossipIntervalMs: 70 } },
      read: config => config.gossip.gossipIntervalMs,
      values: [50, 60, 70, undefined]
    },
    {
      field: 'gossip.suspicionMult',
      flag: ['--suspicion-mult', '3'],
      env: { MESHWORK_SUSPICION_MULT: '5' },
      file: { gossip: { suspicionMult: 6 } },
      read: config => config.gossip.suspicionMult,
      values: [3, 5, 6, undefined]
    },
    {
      field: 'gossip.region',
      flag: ['--region', 'eu-west'],
      env: { MESHWORK_REGION: 'us-east' },
      file: { gossip: { region: 'ap-south' } },
      read: config => config.gossip.region,
      values: ['eu-west', 'us-east', 'ap-south', undefined]
    },
    {
      field: 'gossip.roles',
      flag: ['--roles', 'relay', '--roles', 'seed,edge'],
      env: { MESHWORK_ROLES: 'storage' },
      file: { gossip: { roles: ['api'] } },
      read: config => config.gossip.roles,
      values: [['relay', 'seed', 'edge'], ['storage'], ['api'], []]
    },
    {
      field: 'gossip.tags',
      flag: ['--tags', 'rack=r1', '--tags', 'zone=a,note='],
      env: { MESHWORK_TAGS: 'rack=r2, tier = gold' },
      file: { gossip: { tags: { rack: 'r3', owner: 'x=y' } } },
      read: config => config.gossip.tags,
      values: [{ rack: 'r1', zone: 'a', note: '' }, { rack: 'r2', tier: 'gold' }, { rack: 'r3', owner: 'x=y' }, {}]
    },
    {
      field: 'consensus.enabled',
      flag: ['--no-consensus'],
      env: { MESHWORK_CONSENSUS: 'on' },
      file: { consensus: { enabled: false } },
      read: config => config.consensus.enabled,
      values: [false, true, false, true]
    },
    {
      field: 'consensus.tickMs',
      flag: ['--consensus-tick-ms', '10'],
      env: { MESHWORK_CONSENSUS_TICK_MS: '30' },
      file: { consensus: { tickMs: 50 } },
      read: config => config.consensus.tickMs,
      values: [10, 30, 50, undefined]
    },
    {
      field: 'consensus.electionTicks',
      flag: ['--consensus-election-ticks', '5'],
      env: { MESHWORK_CONSENSUS_ELECTION_TICKS: '20' },
      file: { consensus: { electionTicks: 15 } },
      read: config => config.consensus.electionTicks,
      values: [5, 20, 15, undefined]
    },
    {
      field: 'consensus.readOnly',
      flag: ['--consensus-read-only', 'lease'],
      env: { MESHWORK_CONSENSUS_READ_ONLY: 'safe' },
      file: { consensus: { readOnly: 'lease' } },
      read: config => config.consensus.readOnly,
      values: ['lease', 'safe', 'lease', 'safe']
    },
    {
      field: 'consensus.maxVoters',
      flag: ['--consensus-max-voters', '3'],
      env: { MESHWORK_CONSENSUS_MAX_VOTERS: '7' },
      file: { consensus: { maxVoters: 9 } },
      read: config => config.consensus.maxVoters,
      values: [3, 7, 9, undefined]
    }
  ]

  it.each(cases)('$field: each layer overrides the next', async ({ flag, env, file, read, values }) => {
    expect(read(await load({ argv: flag, env, file }))).toEqual(values[0])
    expect(read(await load({ env, file }))).toEqual(values[1])
    expect(read(await load({ file }))).toEqual(values[2])
    expect(read(await load())).toEqual(values[3])
  })

  it('takes the config file path from MESHWORK_CONFIG when --config is absent', async () => {
    const files = memoryFiles({ '/srv/mesh.json': JSON.stringify({ maxConnections: 9 }) })
    const config = await load({ env: { MESHWORK_CONFIG: '/srv/mesh.json' } }, files)
    expect(config.maxConnections).toBe(9)
  })

  it('treats an empty environment variable as unset', async () => {
    const config = await load({ env: { MESHWORK_LISTEN: '', MESHWORK_ADMIN_PORT: ' ' }, file: { admin: { port: 7003 } } })
    expect(config.listen).toEqual([])
    expect(config.admin.port).toBe(7003)
  })

  it('falls back to ./.meshwork without a home directory', async () => {
    const config = await loadNodeConfig({ argv: [], env: { MESHWORK_ADMIN_TOKEN: TOKEN }, readFile: memoryFiles().readFile, homeDir: '', cwd: CWD })
    expect(config.dataDir).toBe('/work/.meshwork')
  })

  it('defaults to an OPEN, loopback-admin node with JSON logs', async () => {
    const config = await load()
    expect(config).toEqual({
      listen: [],
      announce: [],
      bootstrap: [],
      dataDir: '/home/mesh/.meshwork',
      joinPolicy: 'OPEN',
      allow: [],
      denylist: [],
      mdns: false,
      admin: { host: '127.0.0.1', port: 7700, token: TOKEN },
      logFormat: 'json',
      logLevel: 'info',
      plugins: { discovery: [] },
      dht: { enabled: true, network: 'private', meshId: 'default', mode: 'auto' },
      gossip: { enabled: true, pubsub: true, roles: [], tags: {}, membersFile: '/home/mesh/.meshwork/members.json' },
      consensus: { enabled: true, dataDir: '/home/mesh/.meshwork/raft', bootstrap: 'seed', readOnly: 'safe' }
    })
  })

  it('keeps Raft in <dataDir>/raft, seeds the control group without bootstrap peers and joins it with them', async () => {
    const seed = await load({ argv: ['--data-dir', '/srv/node'] })
    expect(seed.consensus).toEqual({ enabled: true, dataDir: '/srv/node/raft', bootstrap: 'seed', readOnly: 'safe' })
    const joiner = await load({ env: { MESHWORK_BOOTSTRAP: '/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWSeed' } })
    expect(joiner.consensus.bootstrap).toBe('join')
  })

  it('keeps the consensus settings with --no-consensus', async () => {
    const config = await load({ argv: ['--no-consensus'], file: { consensus: { tickMs: 40, maxVoters: 3 } } })
    expect(config.consensus).toEqual({ enabled: false, dataDir: '/home/mesh/.meshwork/raft', bootstrap: 'seed', tickMs: 40, maxVoters: 3, readOnly: 'safe' })
  })

  it('keeps the member list in <dataDir>/members.json, and the gossip settings with --no-gossip', async () => {
    const config = await load({ argv: ['--data-dir', '/srv/node', '--no-gossip'], file: { gossip: { region: 'eu', probeIntervalMs: 2000 } } })
    expect(config.gossip).toEqual({
      enabled: false, pubsub: true, probeIntervalMs: 2000, region: 'eu', roles: [], tags: {}, membersFile: '/srv/node/members.json'
    })
  })

  it('turns the DHT off with --no-dht, keeping its other settings', async () => {
    const config = await load({ argv: ['--no-dht'], file: { dht: { mode: 'client' } } })
    expect(config.dht).toEqual({ enabled: false, network: 'private', meshId: 'default', mode: 'client' })
  })

  it('makes the join policy KEY_REQUIRED when only a mesh key is given', async () => {
    const config = await load({ argv: ['--mesh-key', KEY.toUpperCase()] })
    expect(config.joinPolicy).toBe('KEY_REQUIRED')
    expect(config.meshKey).toBe(KEY)
  })
})

describe('the admin token', () => {
  it('is generated once, written to <dataDir>/admin.token with mode 0600, and reused', async () => {
    const files = memoryFiles()
    const options = { argv: ['--data-dir', '/data'], env: {}, readFile: files.readFile, writeFile: files.writeFile, homeDir: HOME, cwd: CWD }
    const first = await loadNodeConfig(options)
    expect(first.admin.token).toMatch(/^[0-9a-f]{64}$/)
    expect(files.files.get('/data/admin.token')).toBe(`${first.admin.token}\n`)
    expect(files.modes.get('/data/admin.token')).toBe(0o600)
    const second = await loadNodeConfig(options)
    expect(second.admin.token).toBe(first.admin.token)
  })

  it('is not written when one is configured', async () => {
    const files = memoryFiles()
    const config = await load({ argv: ['--data-dir', '/data', '--admin-token', 'b'.repeat(20)] }, files)
    expect(config.admin.token).toBe('b'.repeat(20))
    expect(files.files.has('/data/admin.token')).toBe(false)
  })

  describe('on a real file system', () => {
    let dir: string | undefined
    afterEach(async () => { if (dir !== undefined) await rm(dir, { recursive: true, force: true }) })

    it('creates the data directory and the file with mode 0600', async () => {
      dir = await mkdtemp(join(tmpdir(), 'meshwork-config-'))
      const dataDir = join(dir, 'nested', 'data')
      const config = await loadNodeConfig({ argv: ['--data-dir', dataDir], env: {}, ...nodeTextFiles, homeDir: dir, cwd: dir })
      const info = await stat(join(dataDir, 'admin.token'))
      expect(info.mode & 0o777).toBe(0o600)
      expect(config.admin.token).toHaveLength(64)
    })
  })
})

describe('loadNodeConfig validation', () => {
  it.each([
    { why: 'a port that is not a number', layers: { env: { MESHWORK_ADMIN_PORT: 'seventy' } }, names: ['admin.port', 'environment variable MESHWORK_ADMIN_PORT'] },
    { why: 'a port out of range', layers: { argv: ['--admin-port', '70000'] }, names: ['admin.port', 'flag --admin-port'] },
    { why: 'a port of the wrong JSON type', layers: { file: { admin: { port: '7700' } } }, names: ['admin.port', 'config file /etc/meshwork.json'] },
    { why: 'a zero limit', layers: { argv: ['--max-connections', '0'] }, names: ['maxConnections', 'flag --max-connections'] },
    { why: 'a flag without its value', layers: { argv: ['--listen'] }, names: ['listen', 'flag --listen'] },
    { why: 'a listen address that is not a multiaddr', layers: { env: { MESHWORK_LISTEN: 'localhost:4001' } }, names: ['listen', 'MESHWORK_LISTEN'] },
    { why: 'a bootstrap address without /p2p', layers: { argv: ['--bootstrap', '/ip4/1.2.3.4/tcp/1'] }, names: ['bootstrap', 'flag --bootstrap'] },
    { why: 'an unknown join policy', layers: { argv: ['--join-policy', 'sometimes'] }, names: ['joinPolicy', 'flag --join-policy'] },
    { why: 'KEY_REQUIRED without a key', layers: { env: { MESHWORK_JOIN_POLICY: 'key-required' } }, names: ['meshKey', 'MESHWORK_JOIN_POLICY'] },
    { why: 'a malformed mesh key', layers: { file: { meshKey: 'abc' } }, names: ['meshKey', 'config file'] },
    { why: 'a mesh key with an OPEN policy', layers: { argv: ['--join-policy', 'OPEN', '--mesh-key', KEY] }, names: ['meshKey', 'flag --mesh-key'] },
    { why: 'CLOSED without an allowlist', layers: { argv: ['--join-policy', 'CLOSED'] }, names: ['allow', 'flag --join-policy'] },
    { why: 'an allowlist without CLOSED', layers: { env: { MESHWORK_ALLOW: '12D3KooWx' } }, names: ['allow', 'MESHWORK_ALLOW'] },
    { why: 'a non-loopback admin host', layers: { file: { admin: { host: '0.0.0.0' } } }, names: ['admin.host', 'config file'] },
    { why: 'a short admin token', layers: { argv: ['--admin-token', 'short'] }, names: ['admin.token', 'flag --admin-token'] },
    { why: 'an unknown log format', layers: { env: { MESHWORK_LOG_FORMAT: 'xml' } }, names: ['logFormat', 'MESHWORK_LOG_FORMAT'] },
    { why: 'a boolean that is not one', layers: { env: { MESHWORK_MDNS: 'maybe' } }, names: ['mdns', 'MESHWORK_MDNS'] },
    { why: 'the metrics port equal to the admin port', layers: { argv: ['--metrics-port', '7700'] }, names: ['metricsPort', 'flag --metrics-port'] },
    { why: 'an unknown field in the file', layers: { file: { listn: [] } }, names: ['listn', 'unknown field', 'config file'] },
    { why: 'an unknown nested field in the file', layers: { file: { admin: { prot: 1 } } }, names: ['admin.prot', 'unknown field'] },
    { why: 'an unknown DHT network', layers: { argv: ['--dht-network', 'ipfs'] }, names: ['dht.network', 'private, public', 'flag --dht-network'] },
    { why: 'an unknown DHT mode', layers: { env: { MESHWORK_DHT_MODE: 'peer' } }, names: ['dht.mode', 'auto, client, server', 'MESHWORK_DHT_MODE'] },
    { why: 'a DHT mesh id with a space', layers: { file: { dht: { meshId: 'my mesh' } } }, names: ['dht.meshId: must be 1-64 letters', 'config file /etc/meshwork.json'] },
    { why: 'a DHT mesh id on the public DHT', layers: { argv: ['--dht-network', 'public', '--dht-mesh-id', 'mine'] }, names: ['dht.meshId', 'applies only when dht.network is private', 'flag --dht-mesh-id'] },
    { why: 'a DHT switch that is not a boolean', layers: { env: { MESHWORK_DHT: 'sometimes' } }, names: ['dht.enabled', 'MESHWORK_DHT'] },
    { why: 'a DHT section that is not an object', layers: { file: { dht: true } }, names: ['dht: expected an object', 'config file'] },
    { why: 'an unknown field in the DHT section', layers: { file: { dht: { kBucket: 20 } } }, names: ['dht.kBucket', 'unknown field'] },
    { why: 'a probe timeout not below the interval', layers: { argv: ['--probe-interval-ms', '300', '--probe-timeout-ms', '300'] }, names: ['gossip.probeTimeoutMs', 'must be below the probe interval (300 ms)', 'flag --probe-timeout-ms'] },
    { why: 'a probe interval under the default timeout', layers: { env: { MESHWORK_PROBE_INTERVAL_MS: '400' } }, names: ['gossip.probeIntervalMs', 'probe timeout (500 ms)', 'MESHWORK_PROBE_INTERVAL_MS'] },
    { why: 'a zero gossip interval', layers: { file: { gossip: { gossipIntervalMs: 0 } } }, names: ['gossip.gossipIntervalMs', 'a positive integer', 'config file'] },
    { why: 'a gossip switch that is not a boolean', layers: { env: { MESHWORK_GOSSIP: 'later' } }, names: ['gossip.enabled', 'MESHWORK_GOSSIP'] },
    { why: 'a tag that is not key=value', layers: { argv: ['--tags', 'rack'] }, names: ['gossip.tags', '"rack" is not key=value', 'flag --tags'] },
    { why: 'a tag without a key', layers: { env: { MESHWORK_TAGS: '=r1' } }, names: ['gossip.tags', 'needs a key', 'MESHWORK_TAGS'] },
    { why: 'a tag given twice', layers: { argv: ['--tags', 'rack=r1,rack=r2'] }, names: ['gossip.tags', '"rack" is given twice'] },
    { why: 'tags that are not an object in the file', layers: { file: { gossip: { tags: ['rack=r1'] } } }, names: ['gossip.tags', 'expected an object of strings', 'config file'] },
    { why: 'a tag key with "=" in the file', layers: { file: { gossip: { tags: { 'a=b': 'c' } } } }, names: ['gossip.tags', 'must not contain "="'] },
    { why: 'a tag value that is not a string', layers: { file: { gossip: { tags: { rack: 1 } } } }, names: ['gossip.tags', 'expected an object of strings'] },
    { why: 'an empty region', layers: { file: { gossip: { region: '' } } }, names: ['gossip.region', 'must not be empty', 'config file'] },
    { why: 'a region longer than SWIM carries', layers: { argv: ['--region', 'r'.repeat(1025)] }, names: ['gossip.region', 'longer than 1024 characters', 'flag --region'] },
    { why: 'more roles than SWIM carries', layers: { env: { MESHWORK_ROLES: Array.from({ length: 33 }, (_, i) => `r${i}`).join(',') } }, names: ['gossip.roles', 'at most 32 roles', 'MESHWORK_ROLES'] },
    { why: 'an unknown field in the gossip section', layers: { file: { gossip: { fanout: 3 } } }, names: ['gossip.fanout', 'unknown field'] },
    { why: 'a consensus switch that is not a boolean', layers: { env: { MESHWORK_CONSENSUS: 'quorum' } }, names: ['consensus.enabled', 'MESHWORK_CONSENSUS'] },
    { why: 'a zero Raft tick', layers: { argv: ['--consensus-tick-ms', '0'] }, names: ['consensus.tickMs', 'a positive integer', 'flag --consensus-tick-ms'] },
    { why: 'a Raft tick of minutes', layers: { file: { consensus: { tickMs: 60_000 } } }, names: ['consensus.tickMs', 'at most 10000 ms', 'config file'] },
    { why: 'an election timeout not above the heartbeat', layers: { env: { MESHWORK_CONSENSUS_ELECTION_TICKS: '2' } }, names: ['consensus.electionTicks', 'above the heartbeat interval (2 ticks)', 'MESHWORK_CONSENSUS_ELECTION_TICKS'] },
    { why: 'an unknown read mode', layers: { argv: ['--consensus-read-only', 'fast'] }, names: ['consensus.readOnly', 'must be one of safe, lease', 'flag --consensus-read-only'] },
    { why: 'zero voters', layers: { file: { consensus: { maxVoters: 0 } } }, names: ['consensus.maxVoters', 'a positive integer', 'config file'] },
    { why: 'an unknown field in the consensus section', layers: { file: { consensus: { heartbeatTicks: 1 } } }, names: ['consensus.heartbeatTicks', 'unknown field'] },
    { why: 'a file that is not an object', layers: { file: [1, 2] }, names: ['must hold a JSON object'] }
  ])('rejects $why with an InvalidConfigError naming field and source', async ({ layers, names }) => {
    const error = await configError(layers as Layers)
    expect(error.name).toBe('InvalidConfigError')
    for (const name of names) expect(error.message).toContain(name)
  })

  it('rejects a config file that is not JSON', async () => {
    const files = memoryFiles({ '/etc/bad.json': '{ listen: [' })
    await expect(load({ argv: ['--config', '/etc/bad.json'] }, files)).rejects.toMatchObject({
      name: 'InvalidConfigError',
      message: expect.stringContaining('not valid JSON')
    })
  })

  it('rejects a missing config file, naming where its path came from', async () => {
    await expect(load({ env: { MESHWORK_CONFIG: '/nowhere.json' } })).rejects.toMatchObject({
      name: 'InvalidConfigError',
      message: expect.stringMatching(/\/nowhere\.json does not exist.*MESHWORK_CONFIG/)
    })
  })
})

describe('toMeshConfig', () => {
  it('maps the node config to core-mesh, leaving unset limits to core-mesh', async () => {
    const config = await load({
      argv: ['--listen', '/ip4/0.0.0.0/tcp/4001', '--bootstrap', '/ip4/1.2.3.4/tcp/1/p2p/12D3KooWx', '--mesh-key', KEY, '--max-frame-bytes', '2048', '--heartbeat-interval-ms', '500', '--mdns', '--deny', '12D3KooWbad'],
      file: { plugins: { router: 'my-router' } }
    })
    expect(toMeshConfig(config)).toEqual({
      dataDir: '/home/mesh/.meshwork',
      listen: ['/ip4/0.0.0.0/tcp/4001'],
      bootstrap: ['/ip4/1.2.3.4/tcp/1/p2p/12D3KooWx'],
      joinPolicy: { mode: 'KEY_REQUIRED', meshKey: KEY },
      denylist: ['12D3KooWbad'],
      limits: { maxFrameBytes: 2048 },
      heartbeat: { intervalMs: 500 },
      mdns: true
    })
  })

  it('passes the allowlist of a CLOSED policy', async () => {
    const config = await load({ argv: ['--join-policy', 'closed', '--allow', '12D3KooWa,12D3KooWb'] })
    expect(toMeshConfig(config).joinPolicy).toEqual({ mode: 'CLOSED', allow: ['12D3KooWa', '12D3KooWb'] })
  })
})
