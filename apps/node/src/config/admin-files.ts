/**
 * The two files through which client commands find a running node: the admin token
 * (`admin.token`, mode 0600, kept across restarts) and the admin API's endpoint (`admin.json`,
 * written by `start` once the API listens, removed when it stops).
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { CorruptStateError } from '@meshwork/core-mesh'
import { ADMIN_ENDPOINT_FILE, ADMIN_TOKEN_FILE } from '../constants.js'
import { isNotFound, type ReadText, type RemoveFile, type WriteText } from '../text-files.js'

export interface AdminEndpoint {
  host: string
  port: number
}

export function adminTokenPath (dataDir: string): string {
  return join(dataDir, ADMIN_TOKEN_FILE)
}

export function adminEndpointPath (dataDir: string): string {
  return join(dataDir, ADMIN_ENDPOINT_FILE)
}

/** 32 random bytes as 64 hex characters. */
export function generateAdminToken (): string {
  return randomBytes(32).toString('hex')
}

/** The token in `<dataDir>/admin.token`, or `undefined` when the file does not exist. */
export async function readAdminToken (dataDir: string, readFile: ReadText): Promise<string | undefined> {
  const path = adminTokenPath(dataDir)
  const text = await readIfPresent(path, readFile)
  if (text === undefined) return undefined
  const token = text.trim()
  if (token === '') throw new CorruptStateError(`${path} is empty; delete it to have a new token generated`)
  return token
}

export interface EnsureAdminTokenOptions {
  readFile: ReadText
  writeFile: WriteText
  generate?: () => string
}

/** The token kept in the data directory; a new one is generated and written (0600) if there is none. */
export async function ensureAdminToken (dataDir: string, options: EnsureAdminTokenOptions): Promise<{ token: string, created: boolean }> {
  const existing = await readAdminToken(dataDir, options.readFile)
  if (existing !== undefined) return { token: existing, created: false }
  const token = (options.generate ?? generateAdminToken)()
  await options.writeFile(adminTokenPath(dataDir), `${token}\n`, 0o600)
  return { token, created: true }
}

export async function writeAdminEndpoint (dataDir: string, endpoint: AdminEndpoint, writeFile: WriteText): Promise<void> {
  await writeFile(adminEndpointPath(dataDir), `${JSON.stringify({ host: endpoint.host, port: endpoint.port })}\n`, 0o600)
}

export async function removeAdminEndpoint (dataDir: string, removeFile: RemoveFile): Promise<void> {
  await removeFile(adminEndpointPath(dataDir))
}

/** The endpoint a running node wrote, or `undefined` when no node has written one. */
export async function readAdminEndpoint (dataDir: string, readFile: ReadText): Promise<AdminEndpoint | undefined> {
  const path = adminEndpointPath(dataDir)
  const text = await readIfPresent(path, readFile)
  if (text === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new CorruptStateError(`${path} is not valid JSON`, { cause: err })
  }
  const { host, port } = (parsed ?? {}) as Partial<Record<string, unknown>>
  if (typeof host !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new CorruptStateError(`${path} must hold { "host": string, "port": number }`)
  }
  return { host, port }
}

async function readIfPresent (path: string, readFile: ReadText): Promise<string | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}
