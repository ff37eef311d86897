/**
 * Where the client commands find the running node and its token:
 * - host and port: flags > environment > `<dataDir>/admin.json` (what the node bound) > config file > 127.0.0.1:7700;
 * - token: flags > environment > config file > `<dataDir>/admin.token`.
 */
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT } from '../constants.js'
import { adminTokenPath, readAdminEndpoint, readAdminToken } from '../config/admin-files.js'
import { ConfigSources } from '../config/config-sources.js'
import { resolveDataDir } from '../config/node-config.js'
import { AdminTokenMissingError } from '../errors.js'
import { hostForUrl } from '../admin/http-listener.js'
import { nodeTextFiles, type ReadText } from '../text-files.js'
import { AdminClient } from './admin-client.js'

export interface AdminTarget {
  url: string
  token: string
}

export interface ResolveAdminTargetOptions {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  readFile?: ReadText
  homeDir?: string
  cwd?: string
}

export async function resolveAdminTarget (options: ResolveAdminTargetOptions): Promise<AdminTarget> {
  const cwd = options.cwd ?? process.cwd()
  const readFile = options.readFile ?? nodeTextFiles.readFile
  const sources = await ConfigSources.read({ argv: options.argv, env: options.env, readFile, cwd })
  const dataDir = resolveDataDir(sources, { cwd, homeDir: options.homeDir })

  const host = sources.pick('admin.host')
  const port = sources.pick('admin.port')
  const explicit = (source: { kind: string } | undefined): boolean => source?.kind === 'flag' || source?.kind === 'env'
  const written = explicit(host?.source) && explicit(port?.source) ? undefined : await readAdminEndpoint(dataDir, readFile)
  const endpoint = {
    host: explicit(host?.source) ? host?.value : (written?.host ?? host?.value),
    port: explicit(port?.source) ? port?.value : (written?.port ?? port?.value)
  }

  const token = sources.pick('admin.token')?.value ?? await readAdminToken(dataDir, readFile)
  if (token === undefined) {
    throw new AdminTokenMissingError(`no admin token: pass --admin-token, set MESHWORK_ADMIN_TOKEN, or point --data-dir at the node's data directory (looked for ${adminTokenPath(dataDir)})`)
  }
  return {
    url: `http://${hostForUrl(endpoint.host ?? DEFAULT_ADMIN_HOST)}:${endpoint.port ?? DEFAULT_ADMIN_PORT}`,
    token
  }
}

export interface ClientDeps {
  env: Readonly<Record<string, string | undefined>>
  readFile?: ReadText
  homeDir?: string
  cwd?: string
  fetch?: typeof fetch
}

/** An admin client for a client command's flags. */
export async function connectAdmin (options: { argv: readonly string[], timeoutMs: number }, deps: ClientDeps): Promise<AdminClient> {
  const target = await resolveAdminTarget({ ...deps, argv: options.argv })
  return new AdminClient({ ...target, timeoutMs: options.timeoutMs, ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}) })
}
