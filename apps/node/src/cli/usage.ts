/** The help text of `meshwork help [command]`. */
import { DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS, DEFAULT_MAX_VOTERS, DEFAULT_TICK_MS } from '@meshwork/consensus'
import { DEFAULT_CLIENT_TIMEOUT_MS, DEFAULT_DHT_CLIENT_TIMEOUT_MS, DEFAULT_KV_CLIENT_TIMEOUT_MS } from '../constants.js'
import type { CommandName } from './args.js'

const SUMMARY = `Usage: meshwork <command> [arguments] [flags]

Commands:
  start                  run a node (logs on stdout; admin API on 127.0.0.1:7700)
  status                 health, peer id, addresses, DHT, membership and Raft of the running node
  health                 the node's health and its membership's; exits 1 when CRITICAL or PARTITIONED
  peers                  the peers the running node knows
  members                the gossip membership: every member's state, incarnation, region, roles
  send <peer> <text>     send text to one peer
  broadcast <text>       broadcast text to the whole mesh (Plumtree)
  publish <topic> <text> publish text on a pub/sub topic
  subscribe <topic>      print the topic's messages as they arrive (--count N: exit after N)
  dht <action> …         put, get, provide, find-providers, find-peer on the DHT
  kv <action> …          get, put, cas, delete on the mesh's replicated key-value store (Raft)
  raft                   the node's Raft groups: role, leader, term, commit, voters, quorum
  demo [--nodes N]       run a local mesh of N nodes in this process
  keygen                 print a new mesh key (for --join-policy KEY_REQUIRED)
  help [command]         this text, or a command's flags

Settings come from flags, then MESHWORK_* environment variables, then the JSON config file
(--config or MESHWORK_CONFIG), then defaults. Exit codes: 0 ok, 1 runtime error, 2 usage error,
3 the condition did not hold (kv cas found another value).`

const NODE_FLAGS = `Node flags (environment variable in brackets):
  --config <file>                 JSON config file [MESHWORK_CONFIG]
  --data-dir <dir>                identity, peers, admin token [MESHWORK_DATA_DIR] (default ~/.meshwork)
  --listen <multiaddr,...>        [MESHWORK_LISTEN] (default /ip4/127.0.0.1/tcp/0)
  --announce <multiaddr,...>      [MESHWORK_ANNOUNCE]
  --bootstrap <multiaddr,...>     with /p2p/<id> [MESHWORK_BOOTSTRAP]
  --join-policy <mode>            OPEN, KEY_REQUIRED or CLOSED [MESHWORK_JOIN_POLICY]
  --mesh-key <hex>                64 hex characters [MESHWORK_MESH_KEY]
  --allow <peer id,...>           CLOSED: the peers admitted [MESHWORK_ALLOW]
  --deny <peer id,...>            [MESHWORK_DENYLIST]
  --max-connections <n>           [MESHWORK_MAX_CONNECTIONS]
  --max-frame-bytes <n>           [MESHWORK_MAX_FRAME_BYTES]
  --messages-per-second <n>       per peer [MESHWORK_MESSAGES_PER_SECOND]
  --bytes-per-second <n>          per peer [MESHWORK_BYTES_PER_SECOND]
  --heartbeat-interval-ms <n>     [MESHWORK_HEARTBEAT_INTERVAL_MS]
  --heartbeat-timeout-ms <n>      [MESHWORK_HEARTBEAT_TIMEOUT_MS]
  --mdns, --no-mdns               LAN discovery [MESHWORK_MDNS] (default off)
  --admin-host <host>             loopback only [MESHWORK_ADMIN_HOST] (default 127.0.0.1)
  --admin-port <port>             0 picks one [MESHWORK_ADMIN_PORT] (default 7700)
  --admin-token <token>           [MESHWORK_ADMIN_TOKEN] (default: <data dir>/admin.token, generated)
  --metrics-port <port>           also serve /metrics and /health on all interfaces [MESHWORK_METRICS_PORT]
  --log-format <json|pretty>      [MESHWORK_LOG_FORMAT] (default json)
  --log-level <level>             trace … fatal, silent [MESHWORK_LOG_LEVEL] (default info)
  --discovery-plugin <module>     repeatable [MESHWORK_DISCOVERY_PLUGINS]
  --router-plugin <module>        [MESHWORK_ROUTER_PLUGIN]
  --dht, --no-dht                 join the mesh's DHT [MESHWORK_DHT] (default on)
  --dht-network <private|public>  this mesh's own DHT, or the public /ipfs/kad/1.0.0 one [MESHWORK_DHT_NETWORK] (default private)
  --dht-mesh-id <id>              names the private DHT [MESHWORK_DHT_MESH_ID] (default default)
  --dht-mode <auto|client|server> auto: server when dialable [MESHWORK_DHT_MODE] (default auto)
  --gossip, --no-gossip           SWIM membership, Plumtree broadcast, pub/sub [MESHWORK_GOSSIP] (default on)
  --pubsub, --no-pubsub           topic pub/sub over gossipsub [MESHWORK_PUBSUB] (default on)
  --probe-interval-ms <n>         time between two membership probes [MESHWORK_PROBE_INTERVAL_MS] (default 1000)
  --probe-timeout-ms <n>          a probe's wait for its ack, below the interval [MESHWORK_PROBE_TIMEOUT_MS] (default 500)
  --gossip-interval-ms <n>        membership news sent this often [MESHWORK_GOSSIP_INTERVAL_MS] (default 200)
  --suspicion-mult <n>            a suspect is declared dead after at least n probe intervals (more in large meshes) [MESHWORK_SUSPICION_MULT] (default 4)
  --region <name>                 this node's region, told to the members [MESHWORK_REGION]
  --roles <role,...>              this node's roles [MESHWORK_ROLES]
  --tags <key=value,...>          this node's tags [MESHWORK_TAGS]
  --consensus, --no-consensus     Raft and the replicated key-value store, in <data dir>/raft [MESHWORK_CONSENSUS] (default on);
                                  without --bootstrap the node founds the group, with it the node joins
  --consensus-tick-ms <n>         milliseconds per Raft tick [MESHWORK_CONSENSUS_TICK_MS] (default ${DEFAULT_TICK_MS})
  --consensus-election-ticks <n>  election timeout in ticks, above ${DEFAULT_HEARTBEAT_TICKS} [MESHWORK_CONSENSUS_ELECTION_TICKS] (default ${DEFAULT_ELECTION_TICKS})
  --consensus-read-only <mode>    safe (ReadIndex) or lease: how linearizable reads are confirmed [MESHWORK_CONSENSUS_READ_ONLY] (default safe)
  --consensus-max-voters <n>      joining nodes become voters while there are fewer [MESHWORK_CONSENSUS_MAX_VOTERS] (default ${DEFAULT_MAX_VOTERS})`

function clientFlags (defaultTimeoutMs: number): string {
  return `Flags (they locate the running node through <data dir>/admin.json and admin.token):
  --data-dir <dir>   --admin-host <host>   --admin-port <port>   --admin-token <token>   --config <file>
  --timeout <ms>     give up after this long (default ${defaultTimeoutMs})
  --json             machine-readable output`
}

const CLIENT_FLAGS = clientFlags(DEFAULT_CLIENT_TIMEOUT_MS)

const TOPICS: Readonly<Record<CommandName, string>> = {
  start: `Usage: meshwork start [flags]\n\nRuns a node until SIGTERM or SIGINT.\n\n${NODE_FLAGS}`,
  status: `Usage: meshwork status [flags]\n\n${CLIENT_FLAGS}`,
  health: `Usage: meshwork health [flags]

The running node's health: the mesh's (HEALTHY, DEGRADED when peers are unreachable, CRITICAL),
the gossip membership's (HEALTHY, or PARTITIONED when fewer than a quorum of members are
reachable), member counts by state and the local health score. Exits 1 (NodeUnhealthyError)
when the mesh is CRITICAL or the membership PARTITIONED, so that scripts can probe with it.

${CLIENT_FLAGS}`,
  peers: `Usage: meshwork peers [flags]\n\n${CLIENT_FLAGS}`,
  members: `Usage: meshwork members [flags]

The gossip membership as the running node sees it: each member's peer id, state (alive,
suspect, dead, left), incarnation, region, roles and tags, this node first. A node started
--no-gossip exits 1 with GossipDisabledError.

${CLIENT_FLAGS}`,
  send: `Usage: meshwork send <peer id> <text> [flags]\n\n${CLIENT_FLAGS}`,
  broadcast: `Usage: meshwork broadcast <text> [flags]\n\nEvery member receives the text once, along Plumtree's broadcast tree (flooded with --no-gossip).\n\n${CLIENT_FLAGS}`,
  publish: `Usage: meshwork publish <topic> <text> [flags]

Publishes the text (UTF-8) on a pub/sub topic. Exits 1 with NoSubscribersError when no peer
subscribed to the topic is within reach, PayloadTooLargeError over 256 KiB, TopicNameError for
an empty or over-long topic, PubSubDisabledError on a node started --no-pubsub or --no-gossip.

${CLIENT_FLAGS}`,
  subscribe: `Usage: meshwork subscribe <topic> [--count N] [flags]

Subscribes the running node to the topic and prints each message's text as it arrives (with
--json, each message as a JSON line: topic, id, origin, from, data, dataBase64, bytes). Runs
until interrupted, or exits 0 after --count N messages. The note that the subscription is up
goes to stderr. Exits 1 with SubscriptionEndedError if the node ends the stream first.
--timeout applies to setting the subscription up only.

${CLIENT_FLAGS}
  --count <n>        exit after n messages`,
  dht: `Usage: meshwork dht <action> [arguments] [flags]

The running node's DHT:
  put <name> <value> [--ttl <ms>]   sign <value> (UTF-8) as this node's record <name> and store it;
                                    it lives --ttl ms (default 24 h)
  get [<owner>] <name>              the newest record <name> signed by the peer <owner> (default: this node)
  provide <name>                    announce that this node provides <name> (a service or topic)
  find-providers <name>             the peers that provide <name>
  find-peer <peer id>               a peer's addresses, looked up in the DHT

Names are 1-200 printable ASCII characters without spaces. A record or a peer that is not
found exits 1 with RecordNotFoundError or PeerNotFoundError; so does a node started --no-dht.

${clientFlags(DEFAULT_DHT_CLIENT_TIMEOUT_MS)}`,
  kv: `Usage: meshwork kv <action> [arguments] [flags]

The mesh's replicated key-value store (the Raft control group's), through the running node:
  get <key> [--consistency <c>]        print the value (base64 when it is not UTF-8); c is linearizable
                                       (default: confirmed with the leader), lease (the leader's lease,
                                       no round trip) or local (this node's copy, possibly stale)
  put <key> <value>                    write the value (UTF-8)
  cas <key> <expected> <value>         write the value only if the key holds <expected>
  cas <key> --absent <value>           write the value only if the key is absent
  delete <key>                         remove the key

Writes go through the leader (a follower forwards them) and return once a majority has them.
A missing key exits 1 with KeyNotFoundError. A cas that finds another value writes nothing and
exits 3 (CompareAndSetFailedError), naming the value it found. Raft's errors exit 1:
NotLeaderError, ProposalDroppedError, QuorumUnavailableError (fewer than a majority of voters
reachable), ConsensusTimeoutError (a write's outcome is then unknown: read before retrying), and
ConsensusDisabledError on a node started --no-consensus.

${clientFlags(DEFAULT_KV_CLIENT_TIMEOUT_MS)}
  --consistency <c>  kv get: linearizable, lease or local
  --absent           kv cas: expect the key to be absent`,
  raft: `Usage: meshwork raft [flags]

The running node's Raft groups, the control group first: this node's role (leader, follower,
candidate, pre-candidate), the leader ("(self)" when it is this node), the term, the commit and
applied indexes, the numbers of voters and learners, and QUORUM: whether writes can commit now.
A node started --no-consensus exits 1 with ConsensusDisabledError.

${CLIENT_FLAGS}`,
  demo: `Usage: meshwork demo [--nodes N] [--duration seconds] [--json] [node flags]

Starts N nodes (default 3) on loopback in this process, connects them through the first one,
prints them, and serves the first node's admin API so that status, peers, members, send,
broadcast and dht work from another terminal. Runs until SIGINT, or for --duration seconds.
Logs go to stderr. Demo nodes persist nothing, so they run without consensus (kv, raft).

${NODE_FLAGS}`,
  keygen: 'Usage: meshwork keygen [--json]\n\nPrints a new random mesh key: 64 hex characters.',
  help: 'Usage: meshwork help [command]'
}

export function usageText (topic?: CommandName): string {
  return topic === undefined ? SUMMARY : TOPICS[topic]
}
