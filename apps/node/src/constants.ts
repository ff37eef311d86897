/** Defaults of the reference node; core-mesh keeps the defaults of the mesh itself. */

/** The data directory's name under the home directory (or the working directory without one). */
export const DATA_DIR_NAME = '.meshwork'

export const DEFAULT_ADMIN_HOST = '127.0.0.1'
export const DEFAULT_ADMIN_PORT = 7700
/** Hosts the admin API may bind: it is never exposed beyond this machine. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost']

/** Holds the admin token, mode 0600; written at the first start when no token is configured. */
export const ADMIN_TOKEN_FILE = 'admin.token'
/** `{ host, port }` of the running node's admin API, written by `start` for the client commands. */
export const ADMIN_ENDPOINT_FILE = 'admin.json'
/** The member list gossip membership keeps, so that a restarted node rejoins through the members it knew. */
export const MEMBERS_FILE = 'members.json'
/** The Raft log and snapshots of `@meshwork/consensus`, under the data directory. */
export const RAFT_DIR_NAME = 'raft'
/** Longer ticks make elections take minutes: refused as a configuration mistake. */
export const MAX_CONSENSUS_TICK_MS = 10_000
/** Shorter configured tokens are refused: the token is the admin API's only protection. */
export const MIN_ADMIN_TOKEN_LENGTH = 16

/** Largest request body the admin API reads. */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024
/** How long the admin API waits for a send or broadcast before answering 504. */
export const ADMIN_OPERATION_TIMEOUT_MS = 30_000
/** A blank keep-alive line goes to each `/api/subscribe` stream this often while no message does. */
export const SUBSCRIBE_KEEP_ALIVE_MS = 15_000
/** A subscriber that lets more than this queue up (it reads too slowly) is disconnected. */
export const MAX_SUBSCRIBER_BUFFER_BYTES = 8 * 1024 * 1024
/** How long a stopping node waits for its leave to spread before it stops anyway. */
export const MEMBERSHIP_LEAVE_TIMEOUT_MS = 3_000
/** How long `stop()` lets in-flight admin requests finish before closing their sockets. */
export const ADMIN_STOP_GRACE_MS = 2_000

/** Client commands give up on the admin API after this long. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 5_000
/** After SIGTERM/SIGINT, the process exits by force if stopping takes longer than this. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/**
 * `meshwork kv …` waits this long by default: above consensus's own request timeout (5 s), so
 * that the node's ConsensusTimeoutError answers first.
 */
export const DEFAULT_KV_CLIENT_TIMEOUT_MS = 10_000

/** The private DHT's name when none is configured: the same default as `@meshwork/dht`'s. */
export const DEFAULT_DHT_MESH_ID = 'default'
/** How long the admin API lets a DHT query run: under the operation timeout, so that the DHT's own QueryTimeoutError answers. */
export const ADMIN_DHT_QUERY_TIMEOUT_MS = 15_000
/** `meshwork dht …` waits this long by default: a DHT put is a lookup and a query, each up to ADMIN_DHT_QUERY_TIMEOUT_MS. */
export const DEFAULT_DHT_CLIENT_TIMEOUT_MS = 30_000

export const DEFAULT_DEMO_NODES = 3
export const MAX_DEMO_NODES = 100
/** How long `demo` waits for every node to have a connected peer before printing the table. */
export const DEMO_CONVERGE_TIMEOUT_MS = 15_000
