import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RaftStorageEngine } from '../../../src/storage/level-raft-storage.js'
import { makeEntries, tempStoreDir } from '../../fixtures/storage-helpers.js'

/**
 * Layer 2 of the corruption tests: LevelDB's own files damaged on disk. classic-level runs
 * LevelDB without `paranoid_checks` or `verify_checksums`, so what LevelDB notices itself
 * (undecodable compressed blocks, a damaged MANIFEST) must surface as `StorageCorruptionError`,
 * and what it lets through or silently drops must be caught by the store's own checks.
 */
describe('LevelDB files damaged on disk', () => {
  let dir: string
  let remove: () => Promise<void>

  beforeEach(async () => { ({ dir, remove } = await tempStoreDir('disk-damage')) })
  afterEach(async () => { await remove() })

  /**
   * Fills groups g0..g3 with `entries` entries of `size` bytes each, `perSave` per save (one
   * LevelDB log record each); returns the store's files.
   */
  async function populate (options: { entries: number, size: number, perSave?: number, random?: SeededRandom, zeros?: boolean, writeBufferSize?: number }): Promise<string[]> {
    const engine = await RaftStorageEngine.open(dir, { writeBufferSize: options.writeBufferSize })
    const perSave = options.perSave ?? 1
    for (let g = 0; g < 4; g++) {
      const group = engine.group(`g${g}`)
      await group.load()
      for (let i = 1; i <= options.entries; i += perSave) {
        const entries = makeEntries(i, Math.min(options.entries, i + perSave - 1), 1, options.size)
        for (const { data } of entries) {
          if (options.random !== undefined) for (let b = 0; b < data.length; b++) data[b] = options.random.int(256)
          if (options.zeros === true) data.fill(0)
        }
        await group.save({ entries, hardState: { term: 1, vote: '', commit: entries[entries.length - 1].index } }, { sync: false })
      }
    }
    await engine.close()
    return await readdir(dir)
  }

  async function openAndLoadAll (): Promise<Error | undefined> {
    let engine: RaftStorageEngine | undefined
    try {
      engine = await RaftStorageEngine.open(dir)
      for (const id of await engine.groups()) await engine.group(id).load()
      return undefined
    } catch (err) {
      return err as Error
    } finally {
      await engine?.close()
    }
  }

  /** XORs `length` bytes at `fraction` of the file with 0x5a. */
  async function mangle (file: string, fraction: number, length: number): Promise<void> {
    const path = join(dir, file)
    const bytes = await readFile(path)
    const at = Math.floor(bytes.length * fraction)
    for (let i = at; i < Math.min(bytes.length, at + length); i++) bytes[i] ^= 0x5a
    await writeFile(path, bytes)
  }

  it('catches a damaged compressed table block, which LevelDB reports or silently skips', async () => {
    // Compressible entries: LevelDB stores the table blocks snappy-compressed, and a damaged
    // block no longer decompresses. Without verify_checksums, LevelDB's iterator may skip such a
    // block without an error: then the store's checks see the entries missing (a gap, or a log
    // shorter than its tip record).
    const files = await populate({ entries: 2000, size: 200, perSave: 25, zeros: true, writeBufferSize: 64 * 1024 })
    const tables = files.filter(f => f.endsWith('.ldb'))
    expect(tables.length).toBeGreaterThan(0)
    for (const table of tables) await mangle(table, 0.3, 16)
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toMatch(/LevelDB reports corruption|gap in the log|entries lost/)
  })

  it('catches damage in an uncompressed table block that LevelDB lets through (our checksum)', async () => {
    // Random entries do not compress: blocks are stored raw, and LevelDB reads them without
    // verifying its block checksum, so the damaged record reaches the store's own CRC.
    const files = await populate({ entries: 400, size: 200, perSave: 20, random: new SeededRandom(7), writeBufferSize: 64 * 1024 })
    const tables = files.filter(f => f.endsWith('.ldb'))
    expect(tables.length).toBeGreaterThan(0)
    for (const table of tables) await mangle(table, 0.3, 4)
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toMatch(/corrupt Raft storage, group "g\d" entry \d+ .*checksum mismatch/)
  })

  it('catches records LevelDB drops from a damaged write-ahead log (a gap in the log)', async () => {
    // Everything stays in the .log (default 4 MiB write buffer). A damaged log record makes
    // LevelDB skip the rest of its 32 KiB block on recovery, without an error; the entries
    // after it survive, so the group has a gap.
    const files = await populate({ entries: 100, size: 1000, random: new SeededRandom(8) })
    const logs = files.filter(f => f.endsWith('.log'))
    expect(logs.length).toBe(1)
    expect((await stat(join(dir, logs[0]))).size).toBeGreaterThan(300_000)
    await mangle(logs[0], 0.4, 8)
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toMatch(/gap in the log|past the last index/)
  })

  it('reports a damaged MANIFEST', async () => {
    const files = await populate({ entries: 50, size: 100, writeBufferSize: 64 * 1024 })
    const manifest = files.find(f => f.startsWith('MANIFEST-'))
    expect(manifest).toBeDefined()
    await mangle(manifest!, 0, 64)
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toMatch(/LevelDB reports corruption opening/)
  })

  it('refuses a directory whose CURRENT file is lost instead of starting empty', async () => {
    await populate({ entries: 10, size: 100 })
    await rm(join(dir, 'CURRENT'))
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toMatch(/holds files but no LevelDB database/)
  })
})
