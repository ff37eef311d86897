import { kadDHT, type KadDHTComponents } from '@libp2p/kad-dht'
import { defineService, type Clock, type Logger, type MeshConfig, type RandomSource, type ServiceFactory } from '@meshwork/core-mesh'
import { meshAddressFilter } from './address-filter.js'
import { DhtDiscovery } from './dht-discovery.js'
import { KadBinding, type KadService } from './kad-binding.js'
import { MeshDht, type DhtComponents } from './mesh-dht.js'
import { resolveDhtOptions, type MeshDhtOptions } from './options.js'

/** The name under which the DHT is registered as a libp2p service and as a mesh service. */
export const DHT_SERVICE = 'dht'

export interface MeshDhtParts {
  /** Put into `MeshConfig.libp2pServices`: kad-dht, configured for the mesh. */
  libp2pServices: Record<string, (components: any) => unknown>
  /** Put into `MeshConfig.services`: the {@link MeshDht} API, named `dht`. */
  service: ServiceFactory<MeshDht, any>
  /** Put into `MeshConfig.discovery`: bootstrap plus random walks. */
  discovery: ServiceFactory<DhtDiscovery, any>
}

/**
 * The DHT for one mesh node, in the three parts a `MeshConfig` takes. Call it once per node;
 * {@link withDht} puts the parts in a config for you.
 */
export function meshDht (options: MeshDhtOptions = {}): MeshDhtParts {
  const resolved = resolveDhtOptions(options)
  const binding = new KadBinding()
  let dht: MeshDht | undefined
  const rules = MeshDht.rulesFor(resolved, {
    held: async (key) => await dht?.held(key),
    rejected: (key, error) => { dht?.recordRejected(key, error) }
  })
  const libp2pFactory = (components: KadDHTComponents): KadService => {
    const kad = kadDHT({
      protocol: resolved.protocol,
      clientMode: resolved.mode === 'server' ? false : true,
      kBucketSize: resolved.kBucketSize,
      alpha: resolved.alpha,
      validators: rules.validators,
      selectors: rules.selectors,
      peerInfoMapper: meshAddressFilter({ allowPrivate: resolved.allowPrivateAddresses }),
      initialQuerySelfInterval: 500,
      incomingMessageTimeout: resolved.rpcTimeoutMs,
      logPrefix: 'meshwork:dht'
    })(components) as KadService
    // kad-dht 16.4 documents `incomingMessageTimeout` but never hands it to its RPC handler,
    // which keeps 10 s; set the field the handler reads on every inbound stream.
    const rpc = (kad as unknown as { rpc?: { incomingMessageTimeout?: number } }).rpc
    if (rpc !== undefined) rpc.incomingMessageTimeout = resolved.rpcTimeoutMs
    binding.attach(kad, components)
    return kad
  }
  return {
    libp2pServices: { [DHT_SERVICE]: libp2pFactory },
    service: defineService<MeshDht, DhtComponents>(
      { name: DHT_SERVICE, needs: ['peerId', 'registry', 'events', 'logger'], provides: [DHT_SERVICE] },
      (components) => {
        dht = new MeshDht(binding, resolved, components, rules)
        return dht
      }
    ),
    discovery: defineService<DhtDiscovery, { clock: Clock, random: RandomSource, logger: Logger }>(
      { name: 'dht-discovery', needs: ['clock', 'random'] },
      (components) => new DhtDiscovery(() => binding.require().kad, {
        intervalMs: resolved.randomWalkIntervalMs,
        bootstrap: resolved.bootstrap,
        walkTimeoutMs: resolved.queryTimeoutMs
      }, components.clock, components.random)
    )
  }
}

/** A copy of `config` with a DHT added: its libp2p service, the `dht` service and its discovery. */
export function withDht (config: MeshConfig, options: MeshDhtOptions = {}): MeshConfig {
  const parts = meshDht(options)
  return {
    ...config,
    libp2pServices: { ...config.libp2pServices, ...parts.libp2pServices },
    services: [...(config.services ?? []), parts.service],
    discovery: [...(config.discovery ?? []), parts.discovery]
  }
}
