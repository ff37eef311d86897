import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { IDENTITY_FILE } from './constants.js'
import { IdentityError } from './errors.js'

/**
 * Load the node's Ed25519 key from `<dataDir>/identity.key`, or create it (mode 0600) on
 * first start. Without a data directory the node gets a fresh key each run.
 */
export async function loadOrCreateIdentity (dataDir: string | undefined): Promise<PrivateKey> {
  if (dataDir === undefined) return generateKeyPair('Ed25519')
  const path = join(dataDir, IDENTITY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new IdentityError(`cannot read ${path}`, { cause: err })
  }
  if (bytes !== undefined) {
    try {
      const key = privateKeyFromProtobuf(bytes)
      if (key.type !== 'Ed25519') throw new IdentityError(`${path} holds a ${key.type} key; Meshwork identities are Ed25519`)
      return key
    } catch (err) {
      if (err instanceof IdentityError) throw err
      throw new IdentityError(`${path} is not a valid libp2p private key`, { cause: err })
    }
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await writeFileDurably(path, privateKeyToProtobuf(key), 0o600)
  return key
}

/** Write to a temporary file, fsync it, then rename over the target: never a torn file. */
export async function writeFileDurably (path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`
  const handle = await open(temporary, 'w', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await chmod(temporary, mode)
  await rename(temporary, path)
}
