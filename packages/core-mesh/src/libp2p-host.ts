import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import type { ResolvedLimits } from './config.js'
import { PING_MAX_INBOUND_STREAMS, PING_MAX_OUTBOUND_STREAMS, STREAM_WINDOW_BYTES } from './constants.js'
import { JoinPolicyGater, meshKeyProtector } from './join-policy.js'
import type { JoinPolicyConfig } from './config.js'

export type MeshLibp2p = Libp2p<{ ping: Ping } & Record<string, unknown>>

export interface HostOptions {
  privateKey: PrivateKey
  transport: 'tcp' | 'memory'
  listen: string[]
  announce?: string[]
  limits: ResolvedLimits
  joinPolicy: JoinPolicyConfig
  gater: JoinPolicyGater
  /** Extra libp2p services (a DHT, gossipsub) that sibling packages contribute. */
  services?: Record<string, (components: any) => unknown>
}

/**
 * The libp2p node under a mesh node: TCP (or memory) + Noise + Yamux, identify and ping,
 * the join policy as gater and private-network protector. libp2p's own connection monitor
 * is off: the mesh's link monitor does heartbeats and feeds the registry.
 */
export async function createLibp2pHost (options: HostOptions): Promise<MeshLibp2p> {
  const protector = meshKeyProtector(options.joinPolicy)
  return await createLibp2p({
    start: false,
    privateKey: options.privateKey,
    addresses: { listen: options.listen, announce: options.announce ?? [] },
    transports: [options.transport === 'memory' ? memory() : tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: STREAM_WINDOW_BYTES } })],
    connectionGater: options.gater,
    ...(protector === undefined ? {} : { connectionProtector: protector }),
    connectionManager: {
      maxConnections: options.limits.maxConnections,
      maxIncomingPendingConnections: options.limits.maxIncomingPending,
      inboundConnectionThreshold: options.limits.inboundConnectionThreshold,
      inboundUpgradeTimeout: options.limits.upgradeTimeoutMs
    },
    connectionMonitor: { enabled: false },
    services: {
      identify: identify(),
      ping: ping({ maxOutboundStreams: PING_MAX_OUTBOUND_STREAMS, maxInboundStreams: PING_MAX_INBOUND_STREAMS }),
      ...options.services
    }
  }) as unknown as MeshLibp2p
}
