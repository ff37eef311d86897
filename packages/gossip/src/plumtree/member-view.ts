import type { ChannelHost, MeshEvents, TypedEventTarget } from '@meshwork/core-mesh'

/** Members that came and went since the last change. */
export interface MemberViewChange {
  joined: string[]
  left: string[]
}

/**
 * The peers a broadcast tree may use. Membership (SWIM) implements it; so does the
 * connected-peers fallback.
 *
 * Contract:
 * - `liveMembers` lists the live members other than this node, as of the call.
 * - `onMembersChanged` calls `listener` synchronously, on the view's own schedule, after each
 *   change, with the members that joined and those that left; a member appears in at most one
 *   of the two lists. It returns an unsubscribe function. The listener must not throw or
 *   block, and owns the arrays it is given.
 */
export interface MemberView {
  liveMembers(): string[]
  onMembersChanged(listener: (change: MemberViewChange) => void): () => void
}

/**
 * The default view when the node runs no membership service: the peers this node has a
 * connection to, from the node's `peer:connect` / `peer:disconnect` events. Enough for a mesh
 * whose nodes are connected to a handful of others (a connected overlay is all Plumtree
 * needs); with SWIM, every live member is a candidate instead.
 */
export function connectedPeersView (channels: Pick<ChannelHost, 'connectedPeers'>, events: TypedEventTarget<MeshEvents>): MemberView {
  return {
    liveMembers: () => channels.connectedPeers(),
    onMembersChanged (listener) {
      const onConnect = (event: CustomEvent<MeshEvents['peer:connect']>): void => { listener({ joined: [event.detail.peer], left: [] }) }
      const onDisconnect = (event: CustomEvent<MeshEvents['peer:disconnect']>): void => { listener({ joined: [], left: [event.detail.peer] }) }
      events.addEventListener('peer:connect', onConnect)
      events.addEventListener('peer:disconnect', onDisconnect)
      return () => {
        events.removeEventListener('peer:connect', onConnect)
        events.removeEventListener('peer:disconnect', onDisconnect)
      }
    }
  }
}
