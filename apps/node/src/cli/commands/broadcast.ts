import { connectAdmin } from '../admin-target.js'
import type { BroadcastCommand } from '../args.js'
import type { ClientCommandDeps } from './client-deps.js'

/** `meshwork broadcast <text>`: the running node broadcasts the text (UTF-8) to the mesh. */
export async function broadcastCommand (command: BroadcastCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const result = await admin.broadcast(command.text)
  deps.io.out(command.options.json ? JSON.stringify(result) : `broadcast ${result.bytes} bytes, message id ${result.id}`)
}
