import { loadNodeConfig, type NodeConfig } from '../../config/node-config.js'
import { nodeTextFiles, type TextFiles } from '../../text-files.js'

/** What the node-running commands (`start`, `demo`) read their settings from. */
export interface CommandConfigSources {
  env: Readonly<Record<string, string | undefined>>
  files?: TextFiles
  homeDir?: string
  cwd?: string
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
