import type { AbortOptions, DiscoveredPeer, DiscoveryContext, DiscoveryPlugin } from '@meshwork/core-mesh'
import type { MemberInfo, MembershipEvent } from './core/membership-core.js'

/** The part of the membership service the discovery plugin reads. */
export interface MembershipSource {
  members(): MemberInfo[]
  onEvent(listener: (event: MembershipEvent) => void): () => void
}

/**
 * Membership as a DiscoveryPlugin: reports every live member, with the addresses and
 * metadata of its latest alive claim, when it joins, refutes a suspicion or changes its
 * metadata — so the node dials members and the peer registry carries their region and tags
 * (roles as they are, tags as `key=value`).
 */
export class MembershipDiscovery implements DiscoveryPlugin {
  readonly name = 'membership'
  private context: DiscoveryContext | undefined
  private unsubscribe: (() => void) | undefined

  constructor (private readonly membership: () => MembershipSource) {}

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    if (this.context !== undefined) return
    const source = this.membership()
    this.context = context
    this.unsubscribe = source.onEvent(event => { this.onEvent(event) })
    for (const member of source.members()) this.report(member)
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.context = undefined
  }

  private onEvent (event: MembershipEvent): void {
    if (event.type === 'member:join' || event.type === 'member:alive' || event.type === 'member:update') this.report(event.member)
  }

  private report (member: MemberInfo): void {
    const context = this.context
    if (context === undefined || member.id === context.self) return
    if (member.state !== 'alive' && member.state !== 'suspect') return
    context.peerFound(discoveredPeer(member))
  }
}

export function discoveredPeer (member: MemberInfo): DiscoveredPeer {
  const tags = [...member.metadata.roles, ...Object.entries(member.metadata.tags).map(([key, value]) => `${key}=${value}`)]
  return {
    id: member.id,
    addresses: member.addresses.filter(address => address.includes(`/p2p/${member.id}`) || !address.includes('/p2p/')),
    metadata: { tags, ...(member.metadata.region !== undefined ? { region: member.metadata.region } : {}) }
  }
}
