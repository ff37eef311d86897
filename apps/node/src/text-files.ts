import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Reads a UTF-8 file; rejects with an error whose `code` is `ENOENT` when it does not exist. */
export type ReadText = (path: string) => Promise<string>
/** Writes a UTF-8 file with the given mode, creating its directory (mode 0700) if needed. */
export type WriteText = (path: string, data: string, mode: number) => Promise<void>
/** Removes a file; a missing file is not an error. */
export type RemoveFile = (path: string) => Promise<void>

/** The few file operations the node's configuration and admin files need, injectable for tests. */
export interface TextFiles {
  readFile: ReadText
  writeFile: WriteText
  removeFile: RemoveFile
}

export const nodeTextFiles: TextFiles = {
  readFile: async (path) => await readFile(path, 'utf8'),
  writeFile: async (path, data, mode) => {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    await writeFile(path, data, { mode })
    // `mode` applies only when the file is created; an existing file keeps its bits otherwise.
    await chmod(path, mode)
  },
  removeFile: async (path) => { await rm(path, { force: true }) }
}

export function isNotFound (err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT'
}
