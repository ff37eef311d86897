/**
 * The reference node's configuration: what the CLI accepts, resolved with the precedence
 * flags > `MESHWORK_*` environment > config file > defaults, validated with errors that name the
 * field and where its value came from, and mapped to core-mesh's `MeshConfig`.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { JoinMode, MeshConfig } from '@meshwork/core-mesh'
import { DEFAULT_HEARTBEAT_TICKS, type ConsensusInit } from '@meshwork/consensus'
import { resolveDhtOptions, type DhtNetwork, type MeshDhtOptions } from '@meshwork/dht'
import { DEFAULT_MEMBERSHIP_CONFIG, SWIM_LIMITS, resolveMembershipConfig } from '@meshwork/gossip'
import { errorName } from '../admin/http-errors.js'
import {
  DATA_DIR_NAME, DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, DEFAULT_DHT_MESH_ID, LOOPBACK_HOSTS,
  MAX_CONSENSUS_TICK_MS, MEMBERS_FILE, MIN_ADMIN_TOKEN_LENGTH, RAFT_DIR_NAME
} from '../constants.js'
import { nodeTextFiles, type ReadText, type WriteText } from '../text-files.js'
import { ensureAdminToken } from './admin-files.js'
import { ConfigSources, configError, type ConfigSource, type Picked } from './config-sources.js'

export type LogFormat = 'json' | 'pretty'
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty']

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

export const JOIN_MODES: readonly JoinMode[] = ['OPEN', 'KEY_REQUIRED', 'CLOSED']

export const DHT_NETWORKS: readonly DhtNetwork[] = ['private', 'public']

export type DhtModeSetting = NonNullable<MeshDhtOptions['mode']>
export const DHT_MODES: readonly DhtModeSetting[] = ['auto', 'client', 'server']

export interface AdminConfig {
  /** Loopback only: 127.0.0.1, ::1 or localhost. */
  host: string
  /** 0 picks a free port; `start` writes the bound one to `<dataDir>/admin.json`. */
  port: number
  /** Bearer token for `/api/*`. */
  token: string
}

export interface PluginsConfig {
  /** Module specifiers (paths or package names) whose default export is a discovery service factory. */
  discovery: string[]
  /** Module specifier whose default export is a router service factory. */
  router?: string
}

export interface DhtConfig {
  /** The node joins its mesh's DHT (`@meshwork/dht`); default true. */
  enabled: boolean
  /** `private` (default): this mesh's own DHT; `public`: the standard `/ipfs/kad/1.0.0` one. */
  network: DhtNetwork
  /** Names the private DHT (`/meshwork/<meshId>/kad/1.0.0`); default `default`. */
  meshId: string
  /** `auto` (default): a server when others can dial this node, otherwise a client. */
  mode: DhtModeSetting
}

export interface GossipConfig {
  /**
   * The node runs `@meshwork/gossip`: SWIM membership, Plumtree as its broadcast and (unless
   * `pubsub` is false) topic pub/sub; default true. Off, broadcasts flood (core-mesh's default).
   */
  enabled: boolean
  /** Topic pub/sub over gossipsub; default true. */
  pubsub: boolean
  /** Membership tunables; those left undefined take `@meshwork/gossip`'s defaults (1000, 500, 200, 4). */
  probeIntervalMs?: number
  /** Below `probeIntervalMs`: the rest of the interval is the window for indirect probes. */
  probeTimeoutMs?: number
  gossipIntervalMs?: number
  suspicionMult?: number
  /** What this node tells the other members about itself: its region, roles and tags. */
  region?: string
  roles: string[]
  tags: Record<string, string>
  /** Where the member list persists, `<dataDir>/members.json`; undefined: nowhere (the demo's nodes). */
  membersFile?: string
}

export type ConsensusReadOnly = NonNullable<ConsensusInit['readOnly']>
export const CONSENSUS_READ_ONLY_MODES: readonly ConsensusReadOnly[] = ['safe', 'lease']

export interface ConsensusConfig {
  /**
   * The node runs `@meshwork/consensus`: Raft and the replicated key-value store of the mesh's
   * control group; default true.
   */
  enabled: boolean
  /** Where the Raft log and snapshots live: `<dataDir>/raft`. */
  dataDir: string
  /**
   * `seed` when the node starts without bootstrap peers (it founds the control group if nothing
   * is stored yet), else `join` (it waits to be added). Ignored once Raft state is stored.
   */
  bootstrap: 'seed' | 'join'
  /** Raft tunables; those left undefined take `@meshwork/consensus`'s defaults (20 ms, 10 ticks, 5 voters). */
  tickMs?: number
  /** Election timeout in ticks; above the heartbeat interval (2 ticks). */
  electionTicks?: number
  /** Joining members are promoted to voters while there are fewer voters than this. */
  maxVoters?: number
  /** How linearizable reads are confirmed: `safe` (ReadIndex, default) or `lease`. */
  readOnly: ConsensusReadOnly
}

export interface NodeConfig {
  /** Multiaddrs to listen on; empty means core-mesh's default (loopback, a free port). */
  listen: string[]
  announce: string[]
  /** Multiaddrs with `/p2p/<peer id>` dialled at start. */
  bootstrap: string[]
  /** Absolute path of the directory holding the identity, the peer registry and the admin files. */
  dataDir: string
  /** KEY_REQUIRED when a mesh key is given and no mode is, otherwise OPEN. */
  joinPolicy: JoinMode
  /** 64 hex characters; required by KEY_REQUIRED. */
  meshKey?: string
  /** Peer ids admitted under CLOSED. */
  allow: string[]
  denylist: string[]
  /** Limits left undefined take core-mesh's defaults. */
  maxConnections?: number
  maxFrameBytes?: number
  messagesPerSecond?: number
  bytesPerSecond?: number
  heartbeatIntervalMs?: number
  heartbeatTimeoutMs?: number
  mdns: boolean
  admin: AdminConfig
  /** When set, `/metrics` and `/health` (no token, read-only) are also served on all interfaces on this port. */
  metricsPort?: number
  logFormat: LogFormat
  logLevel: LogLevel
  plugins: PluginsConfig
  dht: DhtConfig
  gossip: GossipConfig
  consensus: ConsensusConfig
}

export interface LoadNodeConfigOptions {
  /** The command line after the command name (flags and positionals); unknown flags are ignored. */
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  readFile?: ReadText
  /** Used once, to write a generated admin token. */
  writeFile?: WriteText
  /** Absent or empty: the default data directory is `./.meshwork`. */
  homeDir?: string
  cwd?: string
  generateToken?: () => string
}

const MESH_KEY = /^[0-9a-f]{64}$/i
const DEFAULT: ConfigSource = { kind: 'default' }

/**
 * Resolves the node's configuration. When no admin token is configured, the one in
 * `<dataDir>/admin.token` is used, or a new one is generated and written there (mode 0600).
 * @throws InvalidConfigError naming the field and the flag, variable or file it came from
 */
export async function loadNodeConfig (options: LoadNodeConfigOptions): Promise<NodeConfig> {
  const cwd = options.cwd ?? process.cwd()
  const readFile = options.readFile ?? nodeTextFiles.readFile
  const sources = await ConfigSources.read({ argv: options.argv, env: options.env, readFile, cwd })
  const dataDir = resolveDataDir(sources, { cwd, homeDir: options.homeDir })

  const listen = multiaddrs('listen', sources.pick('listen'))
  const announce = multiaddrs('announce', sources.pick('announce'))
  const bootstrap = multiaddrs('bootstrap', sources.pick('bootstrap'))
  for (const address of bootstrap.value) {
    if (!address.includes('/p2p/')) throw configError('bootstrap', `"${address}" has no /p2p/<peer id>`, bootstrap.source)
  }

  const { joinPolicy, meshKey, allow } = joinSettings(sources)
  const admin = await adminSettings(sources, dataDir, { ...options, readFile })
  const metricsPort = sources.pick('metricsPort')
  if (metricsPort !== undefined && metricsPort.value !== 0 && metricsPort.value === admin.port) {
    throw configError('metricsPort', `must differ from admin.port (${admin.port})`, metricsPort.source)
  }
  const discovery = sources.pick('plugins.discovery')
  const router = sources.pick('plugins.router')

  return dropUndefined({
    listen: listen.value,
    announce: announce.value,
    bootstrap: bootstrap.value,
    dataDir,
    joinPolicy,
    meshKey,
    allow,
    denylist: nonEmptyStrings('denylist', sources.pick('denylist')),
    maxConnections: sources.pick('maxConnections')?.value,
    maxFrameBytes: sources.pick('maxFrameBytes')?.value,
    messagesPerSecond: sources.pick('messagesPerSecond')?.value,
    bytesPerSecond: sources.pick('bytesPerSecond')?.value,
    heartbeatIntervalMs: sources.pick('heartbeatIntervalMs')?.value,
    heartbeatTimeoutMs: sources.pick('heartbeatTimeoutMs')?.value,
    mdns: sources.pick('mdns')?.value ?? false,
    admin,
    metricsPort: metricsPort?.value,
    logFormat: oneOf('logFormat', sources.pick('logFormat'), LOG_FORMATS, 'json'),
    logLevel: oneOf('logLevel', sources.pick('logLevel'), LOG_LEVELS, 'info'),
    plugins: dropUndefined({
      discovery: discovery?.value.map(specifier => modulePath(sources, specifier, discovery.source, cwd)) ?? [],
      router: router === undefined ? undefined : modulePath(sources, router.value, router.source, cwd)
    }),
    dht: dhtSettings(sources),
    gossip: gossipSettings(sources, dataDir),
    consensus: consensusSettings(sources, dataDir, bootstrap.value.length > 0)
  })
}

/**
 * The core-mesh configuration for a node config. Plugins are not included: they are module
 * paths here and service factories there (see `loadPlugins`); neither are the DHT, gossip and
 * consensus, whose factories belong to one node each (see `addDht`, `addGossip`, `addConsensus`); logger and metrics are
 * added by the host.
 */
export function toMeshConfig (config: NodeConfig): MeshConfig {
  return dropUndefined({
    dataDir: config.dataDir,
    listen: config.listen.length > 0 ? [...config.listen] : undefined,
    announce: config.announce.length > 0 ? [...config.announce] : undefined,
    bootstrap: config.bootstrap.length > 0 ? [...config.bootstrap] : undefined,
    joinPolicy: dropUndefined({
      mode: config.joinPolicy,
      meshKey: config.meshKey,
      allow: config.allow.length > 0 ? [...config.allow] : undefined
    }),
    denylist: config.denylist.length > 0 ? [...config.denylist] : undefined,
    limits: dropUndefined({
      maxConnections: config.maxConnections,
      maxFrameBytes: config.maxFrameBytes,
      messagesPerSecond: config.messagesPerSecond,
      bytesPerSecond: config.bytesPerSecond
    }),
    heartbeat: dropUndefined({ intervalMs: config.heartbeatIntervalMs, timeoutMs: config.heartbeatTimeoutMs }),
    mdns: config.mdns
  })
}

/** The data directory: `~` expanded, relative paths resolved; default `~/.meshwork` (or `./.meshwork`). */
export function resolveDataDir (sources: ConfigSources, where: { cwd: string, homeDir?: string }): string {
  const home = where.homeDir ?? safeHomeDir()
  const picked = sources.pick('dataDir')
  if (picked === undefined) return home === '' ? resolve(where.cwd, DATA_DIR_NAME) : join(home, DATA_DIR_NAME)
  if (picked.value === '') throw configError('dataDir', 'must not be empty', picked.source)
  if (picked.value === '~' || picked.value.startsWith('~/')) {
    if (home === '') throw configError('dataDir', 'uses ~ but there is no home directory', picked.source)
    return join(home, picked.value.slice(1))
  }
  return sources.resolvePath(picked.value, picked.source, where.cwd)
}

export function isLoopbackHost (host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.toLowerCase())
}

function joinSettings (sources: ConfigSources): { joinPolicy: JoinMode, meshKey?: string, allow: string[] } {
  const key = sources.pick('meshKey')
  if (key !== undefined && !MESH_KEY.test(key.value)) {
    throw configError('meshKey', 'must be 64 hex characters (generate one with `meshwork keygen`)', key.source)
  }
  const allow = sources.pick('allow')
  const mode = sources.pick('joinPolicy')
  const joinPolicy = mode === undefined
    ? (key !== undefined ? 'KEY_REQUIRED' : 'OPEN')
    : oneOf('joinPolicy', { value: mode.value.toUpperCase().replaceAll('-', '_'), source: mode.source }, JOIN_MODES, 'OPEN')
  const modeSource = mode?.source ?? DEFAULT
  if (joinPolicy === 'KEY_REQUIRED' && key === undefined) {
    throw configError('meshKey', 'is required when joinPolicy is KEY_REQUIRED (generate one with `meshwork keygen`)', modeSource)
  }
  if (joinPolicy !== 'KEY_REQUIRED' && key !== undefined) {
    throw configError('meshKey', `applies only when joinPolicy is KEY_REQUIRED, but joinPolicy is ${joinPolicy}`, key.source)
  }
  const allowed = nonEmptyStrings('allow', allow)
  if (joinPolicy === 'CLOSED' && allowed.length === 0) {
    throw configError('allow', 'must list at least one peer id when joinPolicy is CLOSED', allow?.source ?? modeSource)
  }
  if (joinPolicy !== 'CLOSED' && allow !== undefined && allowed.length > 0) {
    throw configError('allow', `applies only when joinPolicy is CLOSED, but joinPolicy is ${joinPolicy}`, allow.source)
  }
  return dropUndefined({ joinPolicy, meshKey: key?.value.toLowerCase(), allow: allowed })
}

function dhtSettings (sources: ConfigSources): DhtConfig {
  const network = oneOf('dht.network', sources.pick('dht.network'), DHT_NETWORKS, 'private')
  const meshId = sources.pick('dht.meshId')
  if (meshId !== undefined) {
    if (network !== 'private') throw configError('dht.meshId', `applies only when dht.network is private, but it is ${network}`, meshId.source)
    checkedBy('dht.meshId', meshId, value => { resolveDhtOptions({ meshId: value }) })
  }
  return {
    enabled: sources.pick('dht.enabled')?.value ?? true,
    network,
    meshId: meshId?.value ?? DEFAULT_DHT_MESH_ID,
    mode: oneOf('dht.mode', sources.pick('dht.mode'), DHT_MODES, 'auto')
  }
}

function gossipSettings (sources: ConfigSources, dataDir: string): GossipConfig {
  const probeInterval = sources.pick('gossip.probeIntervalMs')
  const probeTimeout = sources.pick('gossip.probeTimeoutMs')
  const intervalMs = probeInterval?.value ?? DEFAULT_MEMBERSHIP_CONFIG.probeIntervalMs
  const timeoutMs = probeTimeout?.value ?? DEFAULT_MEMBERSHIP_CONFIG.probeTimeoutMs
  if (timeoutMs >= intervalMs) {
    const [key, source] = probeTimeout !== undefined ? ['gossip.probeTimeoutMs', probeTimeout.source] : ['gossip.probeIntervalMs', probeInterval?.source ?? DEFAULT]
    throw configError(key, `the probe timeout (${timeoutMs} ms) must be below the probe interval (${intervalMs} ms)`, source)
  }
  const tunables = {
    probeIntervalMs: probeInterval?.value,
    probeTimeoutMs: probeTimeout?.value,
    gossipIntervalMs: sources.pick('gossip.gossipIntervalMs')?.value,
    suspicionMult: sources.pick('gossip.suspicionMult')?.value
  }
  // The package's own checks, for anything the ones above do not cover.
  resolveMembershipConfig(dropUndefined(tunables))

  const region = sources.pick('gossip.region')
  if (region !== undefined) checkMetadataString('gossip.region', region.value, region.source)
  const roles = sources.pick('gossip.roles')
  if (roles !== undefined) {
    if (roles.value.length > SWIM_LIMITS.roles) throw configError('gossip.roles', `at most ${SWIM_LIMITS.roles} roles, got ${roles.value.length}`, roles.source)
    for (const role of roles.value) checkMetadataString('gossip.roles', role, roles.source)
  }
  const tags = sources.pick('gossip.tags')
  if (tags !== undefined) {
    const entries = Object.entries(tags.value)
    if (entries.length > SWIM_LIMITS.tags) throw configError('gossip.tags', `at most ${SWIM_LIMITS.tags} tags, got ${entries.length}`, tags.source)
    for (const [key, value] of entries) {
      checkMetadataString('gossip.tags', key, tags.source)
      if (value.length > SWIM_LIMITS.stringLength) throw configError('gossip.tags', `the value of "${key}" is longer than ${SWIM_LIMITS.stringLength} characters`, tags.source)
    }
  }
  return dropUndefined({
    enabled: sources.pick('gossip.enabled')?.value ?? true,
    pubsub: sources.pick('gossip.pubsub')?.value ?? true,
    ...tunables,
    region: region?.value,
    roles: roles?.value ?? [],
    tags: tags?.value ?? {},
    membersFile: join(dataDir, MEMBERS_FILE)
  })
}

function consensusSettings (sources: ConfigSources, dataDir: string, hasBootstrap: boolean): ConsensusConfig {
  const tickMs = sources.pick('consensus.tickMs')
  if (tickMs !== undefined && tickMs.value > MAX_CONSENSUS_TICK_MS) {
    throw configError('consensus.tickMs', `must be at most ${MAX_CONSENSUS_TICK_MS} ms, got ${tickMs.value}`, tickMs.source)
  }
  const electionTicks = sources.pick('consensus.electionTicks')
  // The node keeps the package's heartbeat interval; an election timeout must be longer.
  if (electionTicks !== undefined && electionTicks.value <= DEFAULT_HEARTBEAT_TICKS) {
    throw configError('consensus.electionTicks', `must be above the heartbeat interval (${DEFAULT_HEARTBEAT_TICKS} ticks), got ${electionTicks.value}`, electionTicks.source)
  }
  return dropUndefined({
    enabled: sources.pick('consensus.enabled')?.value ?? true,
    dataDir: join(dataDir, RAFT_DIR_NAME),
    bootstrap: hasBootstrap ? 'join' : 'seed',
    tickMs: tickMs?.value,
    electionTicks: electionTicks?.value,
    maxVoters: sources.pick('consensus.maxVoters')?.value,
    readOnly: oneOf('consensus.readOnly', sources.pick('consensus.readOnly'), CONSENSUS_READ_ONLY_MODES, 'safe')
  })
}

/** Member metadata travels in every alive claim: SWIM refuses long strings. */
function checkMetadataString (key: string, value: string, source: ConfigSource): void {
  if (value === '') throw configError(key, 'must not be empty', source)
  if (value.length > SWIM_LIMITS.stringLength) throw configError(key, `"${value.slice(0, 20)}…" is longer than ${SWIM_LIMITS.stringLength} characters`, source)
}

async function adminSettings (
  sources: ConfigSources,
  dataDir: string,
  options: LoadNodeConfigOptions & { readFile: ReadText }
): Promise<AdminConfig> {
  const host = sources.pick('admin.host')
  if (host !== undefined && !isLoopbackHost(host.value)) {
    throw configError('admin.host', `must be a loopback address (127.0.0.1, ::1 or localhost), got "${host.value}"`, host.source)
  }
  const configured = sources.pick('admin.token')
  if (configured !== undefined && (configured.value.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(configured.value))) {
    throw configError('admin.token', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces`, configured.source)
  }
  const token = configured?.value ?? (await ensureAdminToken(dataDir, {
    readFile: options.readFile,
    writeFile: options.writeFile ?? nodeTextFiles.writeFile,
    generate: options.generateToken
  })).token
  return {
    host: host?.value ?? DEFAULT_ADMIN_HOST,
    port: sources.pick('admin.port')?.value ?? DEFAULT_ADMIN_PORT,
    token
  }
}

function multiaddrs (key: 'listen' | 'announce' | 'bootstrap', picked: Picked<string[]> | undefined): Picked<string[]> {
  if (picked === undefined) return { value: [], source: DEFAULT }
  for (const address of picked.value) {
    if (!address.startsWith('/')) throw configError(key, `"${address}" is not a multiaddr (they start with /)`, picked.source)
  }
  return picked
}

function nonEmptyStrings (key: string, picked: Picked<string[]> | undefined): string[] {
  if (picked === undefined) return []
  for (const item of picked.value) {
    if (/\s/.test(item)) throw configError(key, `"${item}" is not a peer id`, picked.source)
  }
  return picked.value
}

function modulePath (sources: ConfigSources, specifier: string, source: ConfigSource, cwd: string): string {
  // `./` and `../` paths are files; anything else is an absolute path or a package name, kept as is.
  return specifier.startsWith('./') || specifier.startsWith('../') ? sources.resolvePath(specifier, source, cwd) : specifier
}

function oneOf<T extends string> (key: string, picked: Picked<string> | undefined, allowed: readonly T[], fallback: T): T {
  if (picked === undefined) return fallback
  if (!(allowed as readonly string[]).includes(picked.value)) {
    throw configError(key, `must be one of ${allowed.join(', ')}, got "${picked.value}"`, picked.source)
  }
  return picked.value as T
}

/**
 * Runs a package's own check of a value; its InvalidConfigError ("<key> must be …") is raised
 * again naming where the value came from, as every config error does.
 */
function checkedBy<T> (key: string, picked: Picked<T>, check: (value: T) => void): void {
  try {
    check(picked.value)
  } catch (err) {
    if (errorName(err) !== 'InvalidConfigError') throw err
    throw configError(key, (err as Error).message.replace(`${key} `, ''), picked.source)
  }
}

function safeHomeDir (): string {
  try {
    return homedir()
  } catch {
    return ''
  }
}

/** Omits keys whose value is undefined, so configs print and compare cleanly. */
function dropUndefined<T extends object> (object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}
