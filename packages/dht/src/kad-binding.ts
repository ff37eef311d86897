import { NotStartedError, ServiceConfigurationError } from '@meshwork/core-mesh'
import type { KadDHT, KadDHTComponents } from '@libp2p/kad-dht'
import type { AbortOptions, PeerId, PeerInfo } from '@libp2p/interface'

/** The parts of kad-dht 16's implementation this package drives beyond its public interface. */
export interface KadRoutingTable {
  size: number
  add(peerId: PeerId, options?: AbortOptions): Promise<void>
  queueRoutingTableUpdate(peerId: PeerId, options?: { activeTimeout?: number }): void
  kb: { toIterable(): Iterable<{ peerId: PeerId, kadId: Uint8Array }> }
}

export type KadService = KadDHT & {
  routingTable: KadRoutingTable
  protocol: string
  addEventListener(type: 'peer', listener: (event: CustomEvent<PeerInfo>) => void): void
  removeEventListener(type: 'peer', listener: (event: CustomEvent<PeerInfo>) => void): void
}

/**
 * Joins the two halves of a DHT: kad-dht lives on the libp2p node (libp2p builds it with its
 * own components), while the Meshwork service and discovery plugin live in the mesh node's
 * service graph. libp2p hands its half over here when it creates the service.
 */
export class KadBinding {
  private bound: { kad: KadService, components: KadDHTComponents } | undefined

  attach (kad: KadService, components: KadDHTComponents): void {
    if (this.bound !== undefined) {
      throw new ServiceConfigurationError('a meshDht() belongs to one node: call meshDht() again for each node')
    }
    this.bound = { kad, components }
  }

  require (): { kad: KadService, components: KadDHTComponents } {
    if (this.bound === undefined) {
      throw new NotStartedError('the DHT is not on a libp2p node: pass meshDht().libp2pServices to the mesh config (or use withDht)')
    }
    return this.bound
  }
}
