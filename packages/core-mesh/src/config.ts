import {
  DEFAULT_BYTES_PER_SECOND, DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_INBOUND_CONNECTION_THRESHOLD, DEFAULT_LISTEN, DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_INCOMING_PENDING, DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_MISSES_BEFORE_UNREACHABLE, DEFAULT_RATE_BURST_SECONDS, DEFAULT_RECONNECT_INITIAL_MS,
  DEFAULT_RECONNECT_MAX_MS, DEFAULT_RECONNECT_MULTIPLIER, DEFAULT_UPGRADE_TIMEOUT_MS
} from './constants.js'
import { InvalidConfigError } from './errors.js'
import type { Broadcast } from './interfaces/broadcast.js'
import type { Clock, RandomSource } from './interfaces/clock.js'
import type { DiscoveryPlugin } from './interfaces/discovery.js'
import type { Logger, Metrics } from './interfaces/observability.js'
import type { PeerIdString } from './interfaces/peer.js'
import type { RelayObserver } from './interfaces/relay-observer.js'
import type { RouterPlugin } from './interfaces/router.js'
import type { ServiceFactory } from './interfaces/service.js'

export type JoinMode = 'OPEN' | 'KEY_REQUIRED' | 'CLOSED'

export interface JoinPolicyConfig {
  mode: JoinMode
  /** KEY_REQUIRED: the pre-shared mesh key, 64 hex characters (see `generateMeshKey`). */
  meshKey?: string
  /** CLOSED: the peer ids allowed to connect (either direction). */
  allow?: PeerIdString[]
}

export interface LimitsConfig {
  maxConnections?: number
  /** Inbound connections still upgrading at once (libp2p `maxIncomingPendingConnections`). */
  maxIncomingPending?: number
  /** Inbound connections per second from one host (libp2p `inboundConnectionThreshold`). */
  inboundConnectionThreshold?: number
  /** Ms an inbound connection has to finish its handshake; garbage senders are cut off then. */
  upgradeTimeoutMs?: number
  maxFrameBytes?: number
  /** Per-peer inbound budget across all channels. */
  messagesPerSecond?: number
  bytesPerSecond?: number
  burstSeconds?: number
}

export interface HeartbeatConfig {
  intervalMs?: number
  timeoutMs?: number
  missesBeforeUnreachable?: number
}

export interface ReconnectConfig {
  initialDelayMs?: number
  maxDelayMs?: number
  multiplier?: number
}

export interface MeshConfig {
  /** Where the identity and the peer registry persist. Absent: a fresh identity, nothing kept. */
  dataDir?: string
  /** `tcp` (default) or `memory` for many in-process nodes in tests. */
  transport?: 'tcp' | 'memory'
  listen?: string[]
  /** Addresses to announce instead of the listen addresses (e.g. a public address). */
  announce?: string[]
  /** Multiaddrs (with `/p2p/<id>`) dialled at start. */
  bootstrap?: string[]
  joinPolicy?: JoinPolicyConfig
  denylist?: PeerIdString[]
  limits?: LimitsConfig
  heartbeat?: HeartbeatConfig
  reconnect?: ReconnectConfig
  /** Enable LAN discovery over mDNS. */
  mdns?: boolean
  discovery?: Array<ServiceFactory<DiscoveryPlugin, any>>
  router?: ServiceFactory<RouterPlugin, any>
  broadcast?: ServiceFactory<Broadcast, any>
  /** Further services; each may provide components to the others. */
  services?: Array<ServiceFactory<unknown, any>>
  relayObserver?: RelayObserver
  /** Extra libp2p services (kad-dht, gossipsub) registered on the underlying libp2p node. */
  libp2pServices?: Record<string, (components: any) => unknown>
  logger?: Logger
  metrics?: Metrics
  clock?: Clock
  random?: RandomSource
  region?: string
  tags?: string[]
}

export interface ResolvedLimits {
  maxConnections: number
  maxIncomingPending: number
  inboundConnectionThreshold: number
  upgradeTimeoutMs: number
  maxFrameBytes: number
  messagesPerSecond: number
  bytesPerSecond: number
  burstSeconds: number
}

export interface ResolvedHeartbeat { intervalMs: number, timeoutMs: number, missesBeforeUnreachable: number }
export interface ResolvedReconnect { initialDelayMs: number, maxDelayMs: number, multiplier: number }

const MESH_KEY = /^[0-9a-f]{64}$/i

function positive (value: number | undefined, fallback: number, field: string): number {
  const result = value ?? fallback
  if (!Number.isFinite(result) || result <= 0) throw new InvalidConfigError(`${field} must be a positive number, got ${String(value)}`)
  return result
}

export function resolveLimits (limits: LimitsConfig = {}): ResolvedLimits {
  return {
    maxConnections: positive(limits.maxConnections, DEFAULT_MAX_CONNECTIONS, 'limits.maxConnections'),
    maxIncomingPending: positive(limits.maxIncomingPending, DEFAULT_MAX_INCOMING_PENDING, 'limits.maxIncomingPending'),
    inboundConnectionThreshold: positive(limits.inboundConnectionThreshold, DEFAULT_INBOUND_CONNECTION_THRESHOLD, 'limits.inboundConnectionThreshold'),
    upgradeTimeoutMs: positive(limits.upgradeTimeoutMs, DEFAULT_UPGRADE_TIMEOUT_MS, 'limits.upgradeTimeoutMs'),
    maxFrameBytes: positive(limits.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 'limits.maxFrameBytes'),
    messagesPerSecond: positive(limits.messagesPerSecond, DEFAULT_MESSAGES_PER_SECOND, 'limits.messagesPerSecond'),
    bytesPerSecond: positive(limits.bytesPerSecond, DEFAULT_BYTES_PER_SECOND, 'limits.bytesPerSecond'),
    burstSeconds: positive(limits.burstSeconds, DEFAULT_RATE_BURST_SECONDS, 'limits.burstSeconds')
  }
}

export function resolveHeartbeat (heartbeat: HeartbeatConfig = {}): ResolvedHeartbeat {
  return {
    intervalMs: positive(heartbeat.intervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS, 'heartbeat.intervalMs'),
    timeoutMs: positive(heartbeat.timeoutMs, DEFAULT_HEARTBEAT_TIMEOUT_MS, 'heartbeat.timeoutMs'),
    missesBeforeUnreachable: positive(heartbeat.missesBeforeUnreachable, DEFAULT_MISSES_BEFORE_UNREACHABLE, 'heartbeat.missesBeforeUnreachable')
  }
}

export function resolveReconnect (reconnect: ReconnectConfig = {}): ResolvedReconnect {
  return {
    initialDelayMs: positive(reconnect.initialDelayMs, DEFAULT_RECONNECT_INITIAL_MS, 'reconnect.initialDelayMs'),
    maxDelayMs: positive(reconnect.maxDelayMs, DEFAULT_RECONNECT_MAX_MS, 'reconnect.maxDelayMs'),
    multiplier: positive(reconnect.multiplier, DEFAULT_RECONNECT_MULTIPLIER, 'reconnect.multiplier')
  }
}

export function resolveJoinPolicy (policy: JoinPolicyConfig = { mode: 'OPEN' }): JoinPolicyConfig {
  if (policy.mode === 'KEY_REQUIRED' && (policy.meshKey == null || !MESH_KEY.test(policy.meshKey))) {
    throw new InvalidConfigError('joinPolicy.meshKey must be 64 hex characters when joinPolicy.mode is KEY_REQUIRED')
  }
  if (policy.mode === 'CLOSED' && (policy.allow == null || policy.allow.length === 0)) {
    throw new InvalidConfigError('joinPolicy.allow must list at least one peer id when joinPolicy.mode is CLOSED')
  }
  if (!['OPEN', 'KEY_REQUIRED', 'CLOSED'].includes(policy.mode)) {
    throw new InvalidConfigError(`joinPolicy.mode must be OPEN, KEY_REQUIRED or CLOSED, got ${String(policy.mode)}`)
  }
  return policy
}

export { DEFAULT_LISTEN }
