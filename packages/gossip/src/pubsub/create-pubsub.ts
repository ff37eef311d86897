import { gossipsub, type GossipSubComponents } from '@libp2p/gossipsub'
import { defineService, type MeshConfig, type ServiceFactory } from '@meshwork/core-mesh'
import { GOSSIPSUB_LIBP2P_SERVICE, PUBSUB_SERVICE } from './constants.js'
import { GossipPubSub, type PubSubComponents } from './gossip-pubsub.js'
import { GossipsubBinding, type GossipsubService } from './gossipsub-binding.js'
import { PublishedIds } from './message-id.js'
import { gossipsubInit, resolvePubSubOptions, type MeshPubSubOptions } from './options.js'

export interface MeshPubSubParts {
  /** Put into `MeshConfig.libp2pServices`: gossipsub, configured for the mesh, as `gossipsub`. */
  libp2pServices: Record<string, (components: any) => unknown>
  /** Put into `MeshConfig.services`: the {@link GossipPubSub} API, named `pubsub`. */
  service: ServiceFactory<GossipPubSub, PubSubComponents>
}

/**
 * Pub/sub for one mesh node, in the two parts a `MeshConfig` takes. Call it once per node;
 * {@link withPubSub} puts the parts in a config for you. Options are checked here: a bad one
 * throws `InvalidConfigError` naming the field.
 */
export function meshPubSub (options: MeshPubSubOptions = {}): MeshPubSubParts {
  const resolved = resolvePubSubOptions(options)
  const binding = new GossipsubBinding()
  const ids = new PublishedIds()
  let pubsub: GossipPubSub | undefined
  const init = gossipsubInit(resolved, {
    msgIdFn: ids.msgIdFn,
    appSpecificScore: (peer) => pubsub?.appSpecificScore(peer) ?? 0
  })
  const libp2pFactory = (components: GossipSubComponents): GossipsubService => {
    const service = gossipsub(init)(components) as GossipsubService
    binding.attach(service, components)
    return service
  }
  return {
    libp2pServices: { [GOSSIPSUB_LIBP2P_SERVICE]: libp2pFactory },
    service: defineService<GossipPubSub, PubSubComponents>(
      { name: PUBSUB_SERVICE, needs: ['peerId', 'logger', 'metrics', 'clock', 'channels', 'signer'], provides: [PUBSUB_SERVICE] },
      (components) => {
        pubsub = new GossipPubSub(binding, ids, resolved, components)
        return pubsub
      }
    )
  }
}

/** A copy of `config` with pub/sub added: gossipsub on the libp2p node and the `pubsub` service. */
export function withPubSub (config: MeshConfig, options: MeshPubSubOptions = {}): MeshConfig {
  const parts = meshPubSub(options)
  return {
    ...config,
    libp2pServices: { ...config.libp2pServices, ...parts.libp2pServices },
    services: [...(config.services ?? []), parts.service]
  }
}
