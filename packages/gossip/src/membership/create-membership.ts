import { defineService, type ServiceFactory } from '@meshwork/core-mesh'
import { MEMBERSHIP_SERVICE } from '../constants.js'
import { MembershipDiscovery } from './membership-discovery.js'
import { type MembershipComponents, type MembershipOptions, MembershipService } from './membership-service.js'

/**
 * The membership service factory for `MeshConfig.services`; it provides the `membership`
 * component (a {@link MembershipService}) to the services that need it.
 */
export function membershipService (options: MembershipOptions = {}): ServiceFactory<MembershipService, MembershipComponents> {
  return defineService({
    name: MEMBERSHIP_SERVICE,
    needs: ['peerId', 'addresses', 'clock', 'random', 'channels', 'events', 'logger', 'signer'],
    provides: [MEMBERSHIP_SERVICE]
  }, (components: MembershipComponents) => new MembershipService(components, options))
}

/** The discovery plugin factory for `MeshConfig.discovery`: reports live members to the node. */
export function membershipDiscovery (): ServiceFactory<MembershipDiscovery, { membership: MembershipService }> {
  return defineService({ name: 'membership-discovery', needs: ['membership'] },
    (components: { membership: MembershipService }) => new MembershipDiscovery(() => components.membership))
}
