import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipsubOpts, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createMeshNode, type MeshConfig, type MeshNode, type PubSubMessage } from '@meshwork/core-mesh'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { withPubSub, type GossipPubSub, type MeshPubSubOptions } from '../../src/pubsub/index.js'

export { eventually } from '@meshwork/core-mesh/testkit'

/** Fast gossipsub for tests: 4 heartbeats a second, so meshes form within a second. */
export const TEST_HEARTBEAT_MS = 250

export interface PubSubNode {
  node: MeshNode
  pubsub: GossipPubSub
  id: string
  address: string
}

/**
 * Mesh nodes with pub/sub on TCP + Noise + Yamux over loopback. Meshwork's own heartbeats are
 * slowed down (the CPU is shared with other test files); gossipsub's are sped up.
 */
export class PubSubFixture {
  readonly nodes: PubSubNode[] = []

  constructor (private readonly defaults: { config?: MeshConfig, pubsub?: MeshPubSubOptions } = {}) {}

  async node (config: MeshConfig = {}, pubsub: MeshPubSubOptions = {}): Promise<PubSubNode> {
    const base: MeshConfig = {
      transport: 'tcp',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      heartbeat: { intervalMs: 5_000, timeoutMs: 5_000 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
      limits: { inboundConnectionThreshold: 10_000, maxIncomingPending: 1_000, maxConnections: 1_000 },
      ...this.defaults.config,
      ...config
    }
    const node = await createMeshNode(withPubSub(base, { heartbeatIntervalMs: TEST_HEARTBEAT_MS, ...this.defaults.pubsub, ...pubsub }))
    await node.start()
    const service = node.service<GossipPubSub>('pubsub')
    if (service === undefined) throw new Error('the node has no pubsub service')
    const entry = { node, pubsub: service, id: node.peerId, address: node.addresses()[0] }
    this.nodes.push(entry)
    return entry
  }

  /** `count` nodes, each bootstrapped from the first (a star). */
  async star (count: number, config: MeshConfig = {}, pubsub: MeshPubSubOptions = {}): Promise<PubSubNode[]> {
    const hub = await this.node(config, pubsub)
    const rest = await Promise.all(Array.from({ length: count - 1 }, async () => await this.node({ ...config, bootstrap: [hub.address] }, pubsub)))
    return [hub, ...rest]
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => { await n.node.stop() }))
  }
}

/** Every message a node's handler gets on a topic. */
export class Inbox {
  readonly messages: PubSubMessage[] = []
  readonly unsubscribe: () => void

  constructor (pubsub: GossipPubSub, readonly topic: string) {
    this.unsubscribe = pubsub.subscribe(topic, (message) => { this.messages.push(message) })
  }

  withId (id: string): PubSubMessage[] {
    return this.messages.filter(m => m.id === id)
  }

  texts (): string[] {
    return this.messages.map(m => text(m.data))
  }
}

export type VanillaNode = Libp2p<{ pubsub: GossipSub, identify: unknown }>

/** A libp2p node as any libp2p user builds it: TCP, Noise, Yamux, identify and stock gossipsub. */
export async function vanillaNode (options: Partial<GossipsubOpts> = {}, privateKey?: PrivateKey): Promise<VanillaNode> {
  return await createLibp2p({
    ...(privateKey === undefined ? {} : { privateKey }),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), pubsub: gossipsub({ heartbeatInterval: TEST_HEARTBEAT_MS, ...options }) }
  })
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
export const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value)
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** Handles that keep the process alive, by kind (sockets, servers, timers). */
export function liveHandles (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) {
    if (['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'PipeWrap'].includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1
  }
  return counts
}

/** True when no kind of handle outnumbers its count in `baseline`. */
export function noMoreHandlesThan (baseline: Record<string, number>): boolean {
  return Object.entries(liveHandles()).every(([kind, count]) => count <= (baseline[kind] ?? 0))
}
