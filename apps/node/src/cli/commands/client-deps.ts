import type { ClientDeps } from '../admin-target.js'
import type { CliIo } from '../io.js'

/** What the client commands (status, peers, send, broadcast, dht) need. */
export interface ClientCommandDeps extends ClientDeps {
  io: CliIo
}
