import { hostNode, type HostedNode } from '../../node-host.js'
import type { ImportModule } from '../../plugins.js'
import { registerShutdown } from '../../shutdown.js'
import { nodeTextFiles } from '../../text-files.js'
import { loadCommandConfig, type NodeCommandDeps } from './command-config.js'
import type { StartCommand } from '../args.js'

/** `logDestination` defaults to stdout. */
export interface StartDeps extends NodeCommandDeps {
  importModule?: ImportModule
  shutdownTimeoutMs?: number
  /** Called once the node, its admin API and admin.json are up. */
  onReady?: (hosted: HostedNode) => void
}

/** `meshwork start`: runs a node until SIGTERM or SIGINT, then stops it gracefully. */
export async function startCommand (command: StartCommand, deps: StartDeps): Promise<void> {
  const files = deps.files ?? nodeTextFiles
  const config = await loadCommandConfig(command.options.argv, deps)
  const hosted = await hostNode(config, {
    createNode: deps.createNode,
    files,
    logDestination: deps.logDestination,
    importModule: deps.importModule
  })
  const shutdown = registerShutdown({
    stop: async () => { await hosted.stop() },
    process: deps.process,
    timeoutMs: deps.shutdownTimeoutMs,
    onForcedExit: (reason) => { deps.io.err(`meshwork: exiting without a clean stop: ${reason}`) }
  })
  deps.onReady?.(hosted)
  await shutdown.finished
}
