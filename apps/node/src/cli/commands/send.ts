import { connectAdmin } from '../admin-target.js'
import type { SendCommand } from '../args.js'
import type { ClientCommandDeps } from './client-deps.js'

/** `meshwork send <peer> <text>`: the running node sends the text (UTF-8) to one peer. */
export async function sendCommand (command: SendCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const result = await admin.send(command.peer, command.text)
  deps.io.out(command.options.json ? JSON.stringify(result) : `sent ${result.bytes} bytes to ${result.peer}`)
}
