/** What the node knows about one peer; kept by the {@link PeerRegistry}. */

/** Peer ids travel as their base58 string form across every Meshwork contract. */
export type PeerIdString = string

export type PeerStatus =
  /** Known but never connected in this run. */
  | 'known'
  | 'connected'
  /** Heartbeats or re-dials failed: the peer counts against health. */
  | 'unreachable'
  /** The peer said goodbye (graceful leave): it no longer counts as a member. */
  | 'left'

export interface PeerTraffic {
  messagesIn: number
  messagesOut: number
  bytesIn: number
  bytesOut: number
}

export interface PeerRecord {
  id: PeerIdString
  /** Multiaddrs as strings, newest first. */
  addresses: string[]
  status: PeerStatus
  /** Wall-clock ms of the current connection, if connected. */
  connectedAt?: number
  /** Wall-clock ms of the last frame, heartbeat or connection event from this peer. */
  lastSeen?: number
  /** Smoothed round-trip time (EWMA, alpha 0.2) in milliseconds. */
  rttMs?: number
  traffic: PeerTraffic
  /** Higher is better; protocol violations lower it. Starts at 0. */
  reputation: number
  tags: string[]
  region?: string
}

/** Read access to the registry, as handed to plugins. */
export interface PeerRegistryView {
  get(id: PeerIdString): PeerRecord | undefined
  list(): PeerRecord[]
  /** Up to `k` distinct peers chosen uniformly at random, optionally filtered. */
  sample(k: number, filter?: (peer: PeerRecord) => boolean): PeerRecord[]
}
