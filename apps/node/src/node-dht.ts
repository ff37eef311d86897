/**
 * The reference node's DHT (`@meshwork/dht`): added to a node's mesh config when `dht.enabled`,
 * found on the started node by its service name, and summarised for `/api/health` and the logs.
 */
import type { MeshConfig } from '@meshwork/core-mesh'
import { DHT_SERVICE, withDht, type DhtStatus } from '@meshwork/dht'
import type { DhtConfig } from './config/node-config.js'
import type { MeshNodeApi, NodeDht } from './node-api.js'

/** The DHT part of `/api/health`: off, or its status. */
export type DhtHealth = { enabled: false } | ({ enabled: true } & DhtStatus)

/**
 * A copy of `meshConfig` with the DHT's libp2p service, mesh service and discovery added, when
 * the DHT is enabled. Call it once per node: the DHT's parts belong to one node each.
 */
export function addDht (meshConfig: MeshConfig, config: DhtConfig): MeshConfig {
  if (!config.enabled) return meshConfig
  return withDht(meshConfig, { network: config.network, meshId: config.meshId, mode: config.mode })
}

/** The started node's DHT, or undefined when it runs without one. */
export function dhtOf (node: Pick<MeshNodeApi, 'service'>): NodeDht | undefined {
  return node.service<NodeDht>(DHT_SERVICE)
}

export function dhtHealth (dht: NodeDht | undefined): DhtHealth {
  return dht === undefined ? { enabled: false } : { enabled: true, ...dht.status() }
}
