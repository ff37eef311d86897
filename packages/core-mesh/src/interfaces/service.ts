import type { ChannelHost } from './channel.js'
import type { Clock, RandomSource } from './clock.js'
import type { MeshEvents, TypedEventTarget } from './events.js'
import type { Logger, Metrics } from './observability.js'
import type { PeerIdString, PeerRegistryView } from './peer.js'
import type { RelayObserver } from './relay-observer.js'
import type { MessageSigner } from './signer.js'

/**
 * What the node itself provides to every service. Services declare the keys they need; keys
 * that other services provide are added to the same bag before dependants are created.
 */
export interface MeshComponents {
  peerId: PeerIdString
  /** This node's announced multiaddrs (with `/p2p/<id>`), as of the call. */
  addresses: () => string[]
  logger: Logger
  metrics: Metrics
  clock: Clock
  random: RandomSource
  registry: PeerRegistryView
  channels: ChannelHost
  events: TypedEventTarget<MeshEvents>
  relayObserver: RelayObserver
  /** Signs with this node's identity key; checks other peers' signatures. */
  signer: MessageSigner
}

export interface ServiceMeta {
  /** The service's name, used in errors and logs. */
  readonly name: string
  /** Component keys this service needs (built-in ones or ones another service provides). */
  readonly needs: readonly string[]
  /** Component keys this service adds to the bag; its instance is stored under each. */
  readonly provides: readonly string[]
}

/**
 * The second half of `(init) => (components) => service`: called by the node with the
 * components it declared, once, at start, after every service it needs was created.
 */
export interface ServiceFactory<Service = unknown, Components = MeshComponents> {
  (components: Components): Service
  readonly meta: ServiceMeta
}

/** Attach the metadata to a component factory; see {@link ServiceFactory}. */
export function defineService<Service, Components = MeshComponents>(
  meta: { name: string, needs?: readonly string[], provides?: readonly string[] },
  create: (components: Components) => Service
): ServiceFactory<Service, Components> {
  const factory = ((components: Components) => create(components)) as ServiceFactory<Service, Components>
  Object.defineProperty(factory, 'meta', {
    value: Object.freeze({ name: meta.name, needs: [...(meta.needs ?? [])], provides: [...(meta.provides ?? [])] })
  })
  return factory
}
