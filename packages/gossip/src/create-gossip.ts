import { defineService, type Broadcast, type DiscoveryPlugin, type MeshConfig, type ServiceFactory } from '@meshwork/core-mesh'
import { membershipDiscovery, membershipService } from './membership/create-membership.js'
import type { MembershipComponents, MembershipOptions, MembershipService } from './membership/membership-service.js'
import { plumtreeBroadcast, type PlumtreeBroadcastComponents, type PlumtreeBroadcastInit } from './plumtree/plumtree-broadcast.js'
import { meshPubSub } from './pubsub/create-pubsub.js'
import type { MeshPubSubOptions } from './pubsub/options.js'
import { PeerReputation } from './validation/peer-reputation.js'
import { ValidationPipeline, type ValidationOptions } from './validation/validation-pipeline.js'

export interface GossipOptions {
  /** SWIM membership and its discovery plugin; `false` for none. On by default. */
  membership?: MembershipOptions | false
  /**
   * Plumtree as the node's Broadcast (over the membership view when membership runs, else over
   * the connected peers); `false` keeps the config's own broadcast. On by default.
   */
  broadcast?: Omit<PlumtreeBroadcastInit, 'pipeline'> | false
  /** Topic pub/sub over gossipsub; `false` for none. On by default. */
  pubsub?: MeshPubSubOptions | false
  /** Limits of the broadcast validation pipeline (size, replay window, per-origin rate). */
  validation?: ValidationOptions
  /**
   * Accept broadcasts and topic messages only from live members (needs membership). Off by
   * default: a member that has just joined is not yet known everywhere, and a node that drops
   * its messages also stops forwarding them down the tree. Vanilla gossipsub peers are never
   * members, so this also shuts them out of pub/sub.
   */
  knownSendersOnly?: boolean
}

/** The parts gossip adds to a `MeshConfig`; {@link withGossip} puts them in for you. */
export interface MeshGossipParts {
  libp2pServices: NonNullable<MeshConfig['libp2pServices']>
  services: Array<ServiceFactory<unknown, any>>
  discovery: Array<ServiceFactory<DiscoveryPlugin, any>>
  broadcast?: ServiceFactory<Broadcast, any>
}

/** Gossip for one mesh node, in parts. Call it once per node: the parts belong to one node. */
export function meshGossip (options: GossipOptions = {}): MeshGossipParts {
  const parts: MeshGossipParts = { libp2pServices: {}, services: [], discovery: [] }
  const membership = options.membership
  const withMembership = membership !== false
  if (options.knownSendersOnly === true && !withMembership) throw new RangeError('knownSendersOnly needs membership')
  // The membership instance, once the node has created it: the known-sender check reads it.
  let members: MembershipService | undefined
  const knownSender = options.knownSendersOnly === true
    ? { isKnownSender: (origin: string) => members?.isKnownSender(origin) ?? false }
    : {}
  if (withMembership) {
    const factory = membershipService(membership ?? {})
    parts.services.push(defineService(factory.meta, (components: MembershipComponents) => {
      members = factory(components)
      return members
    }))
    parts.discovery.push(membershipDiscovery())
  }
  if (options.broadcast !== false) {
    const pipeline = (components: PlumtreeBroadcastComponents): ValidationPipeline => new ValidationPipeline({
      ...options.validation,
      signer: components.signer,
      clock: components.clock,
      reputation: new PeerReputation({ clock: components.clock }),
      ...knownSender
    })
    parts.broadcast = plumtreeBroadcast({ view: withMembership ? 'membership' : 'connected-peers', ...options.broadcast, pipeline })
  }
  if (options.pubsub !== false) {
    const pubsub = meshPubSub({ ...knownSender, ...options.pubsub })
    Object.assign(parts.libp2pServices, pubsub.libp2pServices)
    parts.services.push(pubsub.service)
  }
  return parts
}

/**
 * A copy of `config` with gossip added: the `membership` service and discovery plugin, Plumtree
 * as the node's broadcast, and the `pubsub` service on gossipsub — each unless turned off.
 */
export function withGossip (config: MeshConfig, options: GossipOptions = {}): MeshConfig {
  const parts = meshGossip(options)
  return {
    ...config,
    libp2pServices: { ...config.libp2pServices, ...parts.libp2pServices },
    services: [...(config.services ?? []), ...parts.services],
    discovery: [...(config.discovery ?? []), ...parts.discovery],
    ...(parts.broadcast !== undefined ? { broadcast: parts.broadcast } : {})
  }
}
