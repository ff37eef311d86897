export { MembershipService } from './membership-service.js';
export { MembershipDiscovery } from './membership-discovery.js';
export { membershipService, membershipDiscovery } from './create-membership.js';
export { MemberListStore } from './member-list-store.js';
export { decodeSwimMessage, encodeSwimMessage, SWIM_LIMITS } from './membership-codec.js';
export { identityUpdateSigner, UpdateVerifier, authorOf } from './update-signatures.js';
//# sourceMappingURL=index.js.map