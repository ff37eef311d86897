import type { ClientDeps } from '../admin-target.js'
import type { CliIo } from '../io.js'

/** What the client commands (status, health, peers, members, send, broadcast, publish, subscribe, dht, kv, raft) need. */
export interface ClientCommandDeps extends ClientDeps {
  io: CliIo
}
