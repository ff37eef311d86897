import type { DestinationStream } from 'pino'
import { loadNodeConfig, type NodeConfig } from '../../config/node-config.js'
import type { CreateNode } from '../../node-api.js'
import type { ShutdownProcess } from '../../shutdown.js'
import { nodeTextFiles, type TextFiles } from '../../text-files.js'
import type { CliIo } from '../io.js'

/** What the node-running commands (`start`, `demo`) read their settings from. */
export interface CommandConfigSources {
  env: Readonly<Record<string, string | undefined>>
  files?: TextFiles
  homeDir?: string
  cwd?: string
}

/** What every node-running command (and the CLI that dispatches to them) is given. */
export interface NodeCommandDeps extends CommandConfigSources {
  /** Makes an (unstarted) mesh node from the resolved core-mesh config. */
  createNode: CreateNode
  io: CliIo
  /** Log lines; each command picks its default. */
  logDestination?: number | DestinationStream
  /** Where SIGTERM/SIGINT come from; default the real process. */
  process?: ShutdownProcess
}

/** Flags > `MESHWORK_*` environment > config file > defaults, for a node-running command. */
export async function loadCommandConfig (argv: readonly string[], sources: CommandConfigSources): Promise<NodeConfig> {
  const files = sources.files ?? nodeTextFiles
  return await loadNodeConfig({
    argv: [...argv],
    env: sources.env,
    readFile: files.readFile,
    writeFile: files.writeFile,
    homeDir: sources.homeDir,
    cwd: sources.cwd
  })
}
