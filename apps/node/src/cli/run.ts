/**
 * Dispatch: parse the command line, run the command, turn errors into a message on stderr and
 * an exit code (0 ok, 1 runtime error, 2 usage or configuration error, 3 a compare-and-set that
 * did not match).
 */
import { errorMessage, errorName } from '../admin/http-errors.js'
import { parseCliArgs } from './args.js'
import { broadcastCommand } from './commands/broadcast.js'
import { demoCommand } from './commands/demo.js'
import { dhtCommand } from './commands/dht.js'
import { healthCommand } from './commands/health.js'
import { helpCommand } from './commands/help.js'
import { keygenCommand } from './commands/keygen.js'
import { kvCommand } from './commands/kv.js'
import { membersCommand } from './commands/members.js'
import { peersCommand } from './commands/peers.js'
import { publishCommand } from './commands/publish.js'
import { raftCommand } from './commands/raft.js'
import { sendCommand } from './commands/send.js'
import { startCommand } from './commands/start.js'
import { statusCommand } from './commands/status.js'
import { subscribeCommand } from './commands/subscribe.js'
import { EXIT_CONDITION_FAILED, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE_ERROR, type ExitCode } from './exit-codes.js'
import type { NodeCommandDeps } from './commands/command-config.js'

export interface CliDeps extends NodeCommandDeps {
  fetch?: typeof fetch
}

/** Exit codes other than EXIT_RUNTIME_ERROR, by error name. */
const EXIT_CODES: Readonly<Record<string, ExitCode>> = {
  // "You asked wrongly", not "it failed".
  UsageError: EXIT_USAGE_ERROR,
  InvalidConfigError: EXIT_USAGE_ERROR,
  // It worked, and the answer was "no".
  CompareAndSetFailedError: EXIT_CONDITION_FAILED
}

export async function runCli (argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  try {
    const command = parseCliArgs(argv)
    const clientDeps = { ...deps, readFile: deps.files?.readFile }
    switch (command.name) {
      case 'help': helpCommand(command.topic, deps.io); break
      case 'keygen': keygenCommand(command, deps); break
      case 'status': await statusCommand(command, clientDeps); break
      case 'health': await healthCommand(command, clientDeps); break
      case 'peers': await peersCommand(command, clientDeps); break
      case 'members': await membersCommand(command, clientDeps); break
      case 'send': await sendCommand(command, clientDeps); break
      case 'broadcast': await broadcastCommand(command, clientDeps); break
      case 'publish': await publishCommand(command, clientDeps); break
      case 'subscribe': await subscribeCommand(command, clientDeps); break
      case 'dht': await dhtCommand(command, clientDeps); break
      case 'kv': await kvCommand(command, clientDeps); break
      case 'raft': await raftCommand(command, clientDeps); break
      case 'start': await startCommand(command, deps); break
      case 'demo': await demoCommand(command, deps); break
    }
    return EXIT_OK
  } catch (err) {
    const name = errorName(err)
    deps.io.err(`meshwork: ${name}: ${errorMessage(err)}`)
    if (name === 'UsageError') deps.io.err('run "meshwork help" for usage')
    if (deps.env.MESHWORK_DEBUG !== undefined && err instanceof Error && err.stack !== undefined) deps.io.err(err.stack)
    return EXIT_CODES[name] ?? EXIT_RUNTIME_ERROR
  }
}
