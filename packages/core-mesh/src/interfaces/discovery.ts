import type { AbortOptions } from './abort.js'
import type { PeerIdString } from './peer.js'

/** A peer found by a discovery plugin. */
export interface DiscoveredPeer {
  id: PeerIdString
  /** Multiaddrs as strings; may be empty when the plugin knows only the id. */
  addresses: string[]
  /** Tags and region, when the plugin knows them (a membership protocol does); stored in the registry. */
  metadata?: { tags?: readonly string[], region?: string }
}

/** What the node hands a discovery plugin when it starts it. */
export interface DiscoveryContext {
  /** This node's own peer id: a plugin must never report it. */
  readonly self: PeerIdString
  /**
   * Report a peer. May be called many times for the same peer (the node de-duplicates) and
   * from any callback; it never throws and never blocks. Calls after `stop()` are ignored.
   */
  peerFound(peer: DiscoveredPeer): void
}

/**
 * DiscoveryPlugin — finds peers to connect to.
 *
 * Contract:
 * - `start` begins discovery and resolves once the plugin is running; it must not wait for
 *   peers to be found. It rejects only when the plugin cannot run at all.
 * - The plugin reports every peer it finds through `context.peerFound`, never `context.self`,
 *   and only with addresses it believes dialable.
 * - `stop` releases every timer, socket and listener; after it resolves, `peerFound` is not
 *   called again. `stop` is idempotent and may be called without a prior `start`.
 * - A plugin may be started again after `stop`.
 * - Abort: a `signal` aborts `start` with the signal's reason and leaves the plugin stopped.
 *
 * The compliance suite in `@meshwork/core-mesh/compliance` checks all of this.
 */
export interface DiscoveryPlugin {
  /** A short, stable name for logs and errors (`bootstrap`, `mdns`, …). */
  readonly name: string
  start(context: DiscoveryContext, options?: AbortOptions): Promise<void>
  stop(options?: AbortOptions): Promise<void>
}
