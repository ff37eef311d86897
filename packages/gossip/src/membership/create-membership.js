import { defineService } from '@meshwork/core-mesh';
import { MembershipDiscovery } from './membership-discovery.js';
import { MembershipService } from './membership-service.js';
/**
 * The membership service factory for `MeshConfig.services`; it provides the `membership`
 * component (a {@link MembershipService}) to the services that need it.
 */
export function membershipService(options = {}) {
    return defineService({
        name: 'membership',
        needs: ['peerId', 'addresses', 'clock', 'random', 'channels', 'events', 'logger', 'signer'],
        provides: ['membership']
    }, (components) => new MembershipService(components, options));
}
/** The discovery plugin factory for `MeshConfig.discovery`: reports live members to the node. */
export function membershipDiscovery() {
    return defineService({ name: 'membership-discovery', needs: ['membership'] }, (components) => new MembershipDiscovery(() => components.membership));
}
//# sourceMappingURL=create-membership.js.map