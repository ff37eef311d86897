import { createMeshNode, type MeshConfig, type MeshNode } from '@meshwork/core-mesh'
import { withDht, type MeshDht, type MeshDhtOptions } from '../src/index.js'

export interface DhtNode {
  node: MeshNode
  dht: MeshDht
  id: string
  address: string
}

/** Mesh nodes with a DHT: TCP + Noise on loopback by default, or the memory transport. */
export class DhtFixture {
  readonly nodes: DhtNode[] = []

  constructor (private readonly defaults: { config?: MeshConfig, dht?: MeshDhtOptions } = {}) {}

  async node (config: MeshConfig = {}, dht: MeshDhtOptions = {}): Promise<DhtNode> {
    const base: MeshConfig = {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      heartbeat: { intervalMs: 1000, timeoutMs: 1000 },
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      limits: { inboundConnectionThreshold: 10_000, maxIncomingPending: 1000, maxConnections: 1000 },
      ...this.defaults.config,
      ...config
    }
    const node = await createMeshNode(withDht(base, { mode: 'server', randomWalkIntervalMs: 2_000, queryTimeoutMs: 10_000, ...this.defaults.dht, ...dht }))
    await node.start()
    const entry = { node, dht: mustHave(node.service<MeshDht>('dht')), id: node.peerId, address: node.addresses()[0] }
    this.nodes.push(entry)
    return entry
  }

  /** `count` nodes, each bootstrapped from the first. */
  async network (count: number, config: MeshConfig = {}, dht: MeshDhtOptions = {}): Promise<DhtNode[]> {
    const first = await this.node(config, dht)
    const rest: DhtNode[] = []
    for (let i = 1; i < count; i++) rest.push(await this.node({ ...config, bootstrap: [first.address] }, dht))
    return [first, ...rest]
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => { await n.node.stop() }))
  }
}

function mustHave<T> (value: T | undefined): T {
  if (value === undefined) throw new Error('the node has no dht service')
  return value
}

export { eventually } from '@meshwork/core-mesh/testkit'

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
