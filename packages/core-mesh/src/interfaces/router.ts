import type { AbortOptions } from './abort.js'
import type { PeerIdString } from './peer.js'

/** A change in a direct link, as observed by the node's link monitor. */
export type LinkEvent =
  | { type: 'up', peer: PeerIdString, rttMs?: number }
  | { type: 'down', peer: PeerIdString }
  | { type: 'rtt', peer: PeerIdString, rttMs: number }

/** One row of a route table, for introspection (admin API, dashboard). */
export interface RouteEntry {
  destination: PeerIdString
  nextHop: PeerIdString
  /** Path cost in the router's own unit; lower is better. */
  cost: number
  /** Full path when the router knows it, source excluded, destination included. */
  path?: PeerIdString[]
}

/**
 * RouterPlugin — chooses the next hop towards a destination peer.
 *
 * Contract:
 * - `nextHop(destination)` is synchronous and cheap (called per routed message). It returns a
 *   peer that currently has an `up` link, or `undefined` when no route is known. It never
 *   returns the local peer, and never a peer whose link went `down` without coming back `up`.
 * - `onLink` is called by the node for every link event, in order, never concurrently. It must
 *   not throw and must not block; heavy recomputation is scheduled, not done inline.
 * - `routes()` lists the current table; every entry's `nextHop` is what `nextHop` would answer.
 * - `start` / `stop` bracket the router's life; `stop` releases every timer and is idempotent.
 *   A router can be swapped at run time: the node stops the old one and replays the current
 *   links into the new one through `onLink`.
 *
 * The compliance suite in `@meshwork/core-mesh/compliance` checks all of this.
 */
export interface RouterPlugin {
  readonly name: string
  start(self: PeerIdString, options?: AbortOptions): Promise<void>
  stop(options?: AbortOptions): Promise<void>
  onLink(event: LinkEvent): void
  nextHop(destination: PeerIdString): PeerIdString | undefined
  routes(): RouteEntry[]
}
