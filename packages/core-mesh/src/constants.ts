/** Protocol ids: `/meshwork/<package>/<purpose>/<version>`. */
export const CHANNEL_PROTOCOL = '/meshwork/core-mesh/channel/1.0.0'
export const MESSAGE_PROTOCOL = '/meshwork/core-mesh/message/1.0.0'
export const CONTROL_PROTOCOL = '/meshwork/core-mesh/control/1.0.0'
export const FLOOD_PROTOCOL = '/meshwork/core-mesh/flood/1.0.0'

/** Largest frame accepted on a channel unless configured otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024
/**
 * libp2p ping allows one outbound ping stream per connection by default; the link monitor and
 * other services (kad-dht's routing table pings peers too) then collide, and the loser counts as
 * a missed heartbeat. Allow a few at once.
 */
export const PING_MAX_OUTBOUND_STREAMS = 4
export const PING_MAX_INBOUND_STREAMS = 8

/**
 * Largest yamux receive window per stream. Bounds what a peer can send after we pause a
 * stream, and so the memory a slow reader can be made to hold (yamux's default is 16 MiB).
 */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0']

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 1000
/** Consecutive failed heartbeats before a connected peer is declared unreachable. */
export const DEFAULT_MISSES_BEFORE_UNREACHABLE = 2

export const DEFAULT_RECONNECT_INITIAL_MS = 500
export const DEFAULT_RECONNECT_MAX_MS = 30_000
export const DEFAULT_RECONNECT_MULTIPLIER = 2

export const DEFAULT_MAX_CONNECTIONS = 300
export const DEFAULT_MAX_INCOMING_PENDING = 64
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD = 50
/** An inbound connection must finish encryption and muxer negotiation within this time. */
export const DEFAULT_UPGRADE_TIMEOUT_MS = 5_000

/** Per-peer inbound budget; bursts of `RATE_BURST_SECONDS` worth are allowed. */
export const DEFAULT_MESSAGES_PER_SECOND = 100_000
export const DEFAULT_BYTES_PER_SECOND = 256 * 1024 * 1024
export const DEFAULT_RATE_BURST_SECONDS = 1

export const DEFAULT_FLOOD_TTL = 8
export const DEFAULT_FLOOD_SEEN_CACHE = 65_536

/** Smoothing factor for RTT: new = old + ALPHA × (sample − old). */
export const RTT_EWMA_ALPHA = 0.2
/** Reputation lost per protocol violation; at or below the floor the peer is disconnected. */
export const VIOLATION_PENALTY = 10
export const REPUTATION_FLOOR = -50

export const IDENTITY_FILE = 'identity.key'
export const PEERS_FILE = 'peers.json'
