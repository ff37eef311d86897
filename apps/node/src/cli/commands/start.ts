import type { DestinationStream } from 'pino'
import type { CreateNode } from '../../node-api.js'
import { hostNode, type HostedNode } from '../../node-host.js'
import type { ImportModule } from '../../plugins.js'
import { registerShutdown, type ShutdownProcess } from '../../shutdown.js'
import { nodeTextFiles, type TextFiles } from '../../text-files.js'
import { loadCommandConfig } from './command-config.js'
import type { StartCommand } from '../args.js'
import type { CliIo } from '../io.js'

export interface StartDeps {
  /** Makes the (unstarted) mesh node from the resolved core-mesh config. */
  createNode: CreateNode
  env: Readonly<Record<string, string | undefined>>
  io: CliIo
  files?: TextFiles
  homeDir?: string
  cwd?: string
  /** Log lines; default stdout. */
  logDestination?: number | DestinationStream
  importModule?: ImportModule
  /** Where SIGTERM/SIGINT come from; default the real process. */
  process?: ShutdownProcess
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
