import { NotStartedError, ServiceConfigurationError } from '@meshwork/core-mesh'
import type { GossipSub, GossipSubComponents, PublishResult } from '@libp2p/gossipsub'
import type { PeerScoreParams } from '@libp2p/gossipsub/score'

/**
 * The parts of gossipsub 16's implementation this package drives beyond its `GossipSub`
 * interface (all public members of its class).
 */
export type GossipsubService = GossipSub & {
  isStarted(): boolean
  getMeshPeers(topic: string): string[]
  getScore(peer: string): number
  publish(topic: string, data: Uint8Array): Promise<PublishResult>
  readonly score: {
    readonly params: PeerScoreParams
    rejectInvalidMessage(from: string, topic: string): void
  }
}

/** Called when a peer hands us a message that fails gossipsub's StrictSign checks. */
export type InvalidMessageListener = (peer: string, topic: string) => void

/**
 * Joins the two halves of pub/sub: gossipsub lives on the libp2p node (libp2p builds it with
 * its own components), while {@link GossipPubSub} lives in the mesh node's service graph.
 * libp2p hands its half over here when it creates the service.
 */
export class GossipsubBinding {
  private bound: GossipsubService | undefined
  private invalidListener: InvalidMessageListener | undefined

  attach (gossipsub: GossipsubService, _components?: GossipSubComponents): void {
    if (this.bound !== undefined) {
      throw new ServiceConfigurationError('a meshPubSub() belongs to one node: call meshPubSub() again for each node')
    }
    this.bound = gossipsub
    this.observeInvalidMessages(gossipsub)
  }

  require (): GossipsubService {
    if (this.bound === undefined) {
      throw new NotStartedError('pub/sub is not on a libp2p node: pass meshPubSub().libp2pServices to the mesh config (or use withPubSub)')
    }
    return this.bound
  }

  /** Who hears of messages gossipsub drops for a bad signature, sequence number or author. */
  onInvalidMessage (listener: InvalidMessageListener | undefined): void {
    this.invalidListener = listener
  }

  /**
   * gossipsub checks StrictSign signatures before any topic validator runs and tells only its
   * peer score about failures (`rejectInvalidMessage`, called for exactly those). Listening
   * there lets the Meshwork side charge the peer too. Without that method (another gossipsub
   * version) signature failures still cost the peer its gossipsub score, just not reputation.
   */
  private observeInvalidMessages (gossipsub: GossipsubService): void {
    const score = gossipsub.score as { rejectInvalidMessage?: (from: string, topic: string) => void } | undefined
    const original = score?.rejectInvalidMessage
    if (score === undefined || typeof original !== 'function') return
    score.rejectInvalidMessage = (from: string, topic: string): void => {
      original.call(score, from, topic)
      this.invalidListener?.(from, topic)
    }
  }
}
