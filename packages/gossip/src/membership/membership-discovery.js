/**
 * Membership as a DiscoveryPlugin: reports every live member, with the addresses and
 * metadata of its latest alive claim, when it joins, refutes a suspicion or changes its
 * metadata — so the node dials members and the peer registry carries their region and tags
 * (roles as they are, tags as `key=value`).
 */
export class MembershipDiscovery {
    membership;
    name = 'membership';
    context;
    unsubscribe;
    constructor(membership) {
        this.membership = membership;
    }
    async start(context, options) {
        options?.signal?.throwIfAborted();
        if (this.context !== undefined)
            return;
        const source = this.membership();
        this.context = context;
        this.unsubscribe = source.onEvent(event => { this.onEvent(event); });
        for (const member of source.members())
            this.report(member);
    }
    async stop() {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        this.context = undefined;
    }
    onEvent(event) {
        if (event.type === 'member:join' || event.type === 'member:alive' || event.type === 'member:update')
            this.report(event.member);
    }
    report(member) {
        const context = this.context;
        if (context === undefined || member.id === context.self)
            return;
        if (member.state !== 'alive' && member.state !== 'suspect')
            return;
        context.peerFound(discoveredPeer(member));
    }
}
export function discoveredPeer(member) {
    const tags = [...member.metadata.roles, ...Object.entries(member.metadata.tags).map(([key, value]) => `${key}=${value}`)];
    return {
        id: member.id,
        addresses: member.addresses.filter(address => address.includes(`/p2p/${member.id}`) || !address.includes('/p2p/')),
        metadata: { tags, ...(member.metadata.region !== undefined ? { region: member.metadata.region } : {}) }
    };
}
//# sourceMappingURL=membership-discovery.js.map