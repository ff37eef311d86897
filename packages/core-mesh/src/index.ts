/**
 * @packageDocumentation
 *
 * `@meshwork/core-mesh` is the node every Meshwork package builds on: a js-libp2p v3 node
 * (TCP, Noise, Yamux) with a persisted Ed25519 identity, framed channels with backpressure,
 * a pluggable broadcast (neighbour flood by default), a peer registry that survives restarts,
 * heartbeats and health (HEALTHY / DEGRADED / CRITICAL), a join policy (OPEN, KEY_REQUIRED,
 * CLOSED), denylist, connection and per-peer rate limits — and the plugin contracts
 * (DiscoveryPlugin, RouterPlugin, Broadcast, RelayObserver) other packages implement.
 *
 * @example
 * ```ts
 * import { createMeshNode } from '@meshwork/core-mesh'
 *
 * const node = await createMeshNode({ dataDir: './data', bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3…'] })
 * await node.start()
 * node.onMessage(({ from, data }) => { console.log(from, new TextDecoder().decode(data)) })
 * node.addEventListener('health', (event) => { console.log('health', event.detail.status) })
 * await node.broadcast(new TextEncoder().encode('hello mesh'))
 * await node.stop()
 * ```
 *
 * Sub-paths: `@meshwork/core-mesh/testkit` (virtual clock, seeded random, simulated
 * network) and `@meshwork/core-mesh/compliance` (plugin compliance suites).
 */

export * from './interfaces/index.js'
export * from './errors.js'
export * from './constants.js'
export type { MeshConfig, JoinMode, JoinPolicyConfig, LimitsConfig, HeartbeatConfig, ReconnectConfig } from './config.js'
export { createMeshNode, MeshNode } from './mesh-node.js'
export type { DirectMessage, DirectMessageHandler } from './direct-messages.js'
export { generateMeshKey } from './join-policy.js'
export { FloodBroadcast, floodBroadcast, type FloodBroadcastInit } from './broadcast/flood-broadcast.js'
export { BootstrapDiscovery, bootstrapDiscovery, peersFromMultiaddrs, type BootstrapDiscoveryInit } from './discovery/bootstrap.js'
export { MdnsDiscovery, mdnsDiscovery, type MdnsDiscoveryInit } from './discovery/mdns.js'
export { DirectRouter, directRouter } from './router/direct-router.js'
export { FrameDecoder, encodeFrame } from './wire/framing.js'
export { TypedEvents } from './events.js'
export { TokenBucket } from './rate-limiter.js'
export { ChannelPool } from './channel-pool.js'
export { writeFileDurably } from './identity.js'
export { IdentitySigner } from './identity-signer.js'
export { assessHealth } from './health.js'
export { silentLogger, noopMetrics } from './observability.js'
export { systemClock, systemRandom } from './system-clock.js'
