import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { ClassicLevel } from 'classic-level'
import { RaftStorageEngine } from '../../../src/storage/level-raft-storage.js'
import { describeKey, entryKey, FORMAT_KEY, groupPrefix, recordKey, RecordKind } from '../../../src/storage/level-keys.js'
import { GroupRecordsVerifier } from '../../../src/storage/level-group-verifier.js'
import { openRecord } from '../../../src/storage/record-envelope.js'
import { decodeIndex, encodeEntry, encodeHardState, encodeIndex, encodeLogBase, encodeSnapshot } from '../../../src/storage/record-payloads.js'
import { makeEntries, makeSnapshot, tempStoreDir, THREE_VOTERS } from '../../fixtures/storage-helpers.js'

type Raw = ClassicLevel<Uint8Array, Uint8Array>

const G = groupPrefix('g')

function startsWith (key: Uint8Array, prefix: Uint8Array): boolean {
  return key.length > prefix.length && prefix.every((byte, i) => key[i] === byte)
}

/**
 * Layer 1 of the corruption tests: values rewritten through a raw LevelDB handle, so LevelDB
 * itself sees nothing wrong and only the store's own checks can notice.
 */
describe('corrupt records under a raw LevelDB handle', () => {
  let dir: string
  let remove: () => Promise<void>

  beforeEach(async () => {
    ({ dir, remove } = await tempStoreDir('corrupt-records'))
    // Group g: entries 16..40 after compacting to 15 under a snapshot at 20, every record kind.
    const engine = await RaftStorageEngine.open(dir)
    const g = engine.group('g')
    await g.load()
    await g.save({ entries: [...makeEntries(1, 20, 1), ...makeEntries(21, 40, 2)], hardState: { term: 2, vote: 'a', commit: 30 } }, { sync: false })
    await g.compact(makeSnapshot(20, 1), 15)
    await g.save({ confState: THREE_VOTERS, applied: 25 }, { sync: false })
    const other = engine.group('other')
    await other.load()
    await other.save({ entries: makeEntries(1, 3, 1), hardState: { term: 1, vote: '', commit: 3 } }, { sync: true })
    await engine.close()
  })

  afterEach(async () => { await remove() })

  async function raw (change: (db: Raw) => Promise<void>): Promise<void> {
    const db: Raw = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()
    try {
      await change(db)
    } finally {
      await db.close()
    }
  }

  /** Opens the store and loads every group; the error it fails with, or undefined. */
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

  async function expectCorruption (key: Uint8Array, reason: RegExp): Promise<void> {
    const err = await openAndLoadAll()
    expect(err?.name).toBe('StorageCorruptionError')
    expect(err?.message).toContain(describeKey(key))
    expect(err?.message).toMatch(reason)
  }

  it('loads intact', async () => {
    expect(await openAndLoadAll()).toBeUndefined()
  })

  it('catches a flipped bit in any byte of any value, naming the key', async () => {
    // Every single-bit flip of every record, verified in memory as the store verifies on load.
    const random = new SeededRandom(0xc0ffee)
    let records: Array<[Uint8Array, Uint8Array]> = []
    await raw(async db => { records = (await db.iterator().all()).map(([k, v]) => [Uint8Array.from(k), Uint8Array.from(v)]) })
    expect(records.length).toBeGreaterThan(25)
    const verify = (list: Array<[Uint8Array, Uint8Array]>): void => {
      for (const [key, value] of list) if (key[0] === 0) decodeIndex(key, openRecord(key, value))
      for (const prefix of [G, groupPrefix('other')]) {
        const verifier = new GroupRecordsVerifier(prefix)
        for (const [key, value] of list) if (startsWith(key, prefix)) verifier.add(key, value)
        verifier.finish()
      }
    }
    verify(records)
    let flips = 0
    for (const [i, [key, value]] of records.entries()) {
      for (let position = 0; position < value.length; position++) {
        const flipped = Uint8Array.from(value)
        flipped[position] ^= 1 << random.int(8)
        const list = records.map((record, j): [Uint8Array, Uint8Array] => j === i ? [key, flipped] : record)
        expect(() => { verify(list) }).toThrow(expect.objectContaining({ name: 'StorageCorruptionError', message: expect.stringContaining(describeKey(key)) }))
        flips++
      }
    }
    expect(flips).toBeGreaterThan(500)
  })

  it('catches flipped bits end to end, through LevelDB, for each kind of record', async () => {
    const keys = [FORMAT_KEY, recordKey(G, RecordKind.hardState), recordKey(G, RecordKind.confState), recordKey(G, RecordKind.snapshot),
      recordKey(G, RecordKind.logBase), recordKey(G, RecordKind.applied), recordKey(G, RecordKind.logTip), entryKey(G, 16), entryKey(G, 40)]
    for (const key of keys) {
      let value = new Uint8Array(0)
      await raw(async db => { value = Uint8Array.from((await db.get(key))!) })
      const flipped = Uint8Array.from(value)
      flipped[value.length - 1] ^= 0x10
      await raw(async db => { await db.put(key, flipped) })
      await expectCorruption(key, /checksum mismatch/)
      await raw(async db => { await db.put(key, value) })
    }
    expect(await openAndLoadAll()).toBeUndefined()
  })

  it('catches a value moved under another key', async () => {
    await raw(async db => { await db.put(entryKey(G, 31), (await db.get(entryKey(G, 30)))!) })
    await expectCorruption(entryKey(G, 31), /checksum mismatch/)
  })

  it('catches truncated values and unknown record versions', async () => {
    await raw(async db => { await db.put(entryKey(G, 30), Uint8Array.of(1, 2, 3)) })
    await expectCorruption(entryKey(G, 30), /too short/)
    await raw(async db => {
      const value = encodeEntry(entryKey(G, 30), makeEntries(30, 30, 2)[0])
      value[0] = 2
      await db.put(entryKey(G, 30), value)
    })
    await expectCorruption(entryKey(G, 30), /unknown record version 2/)
  })

  it('catches a gap in the log', async () => {
    await raw(async db => { await db.del(entryKey(G, 25)) })
    await expectCorruption(entryKey(G, 26), /gap in the log: entries 25 to 25 are missing/)
  })

  it('catches a missing first entry after the compaction point', async () => {
    await raw(async db => { await db.del(entryKey(G, 16)) })
    await expectCorruption(entryKey(G, 17), /gap/)
  })

  it('catches terms going backwards', async () => {
    const key = entryKey(G, 35)
    await raw(async db => { await db.put(key, encodeEntry(key, makeEntries(35, 35, 1)[0])) })
    await expectCorruption(key, /term 1 is below the previous entry's term 2/)
  })

  it('catches an entry at or below the compaction point', async () => {
    const key = entryKey(G, 10)
    await raw(async db => { await db.put(key, encodeEntry(key, makeEntries(10, 10, 1)[0])) })
    await expectCorruption(key, /at or below the log's start/)
  })

  it('catches an entry whose index differs from its key', async () => {
    const key = entryKey(G, 30)
    await raw(async db => { await db.put(key, encodeEntry(key, makeEntries(31, 31, 2)[0])) })
    await expectCorruption(key, /holds entry 31/)
  })

  it('catches a commit index past the last index, and a term below the log\'s', async () => {
    const key = recordKey(G, RecordKind.hardState)
    await raw(async db => { await db.put(key, encodeHardState(key, { term: 2, vote: 'a', commit: 41 })) })
    await expectCorruption(key, /commit index 41 is past the last index 40/)
    await raw(async db => { await db.put(key, encodeHardState(key, { term: 1, vote: 'a', commit: 30 })) })
    await expectCorruption(key, /term 1 is below the last entry's term 2/)
    await raw(async db => { await db.put(key, encodeHardState(key, { term: 2, vote: 'a', commit: 19 })) })
    await expectCorruption(key, /below the snapshot at 20/)
  })

  it('catches a lost log tail that leaves the commit index behind', async () => {
    const tip = recordKey(G, RecordKind.logTip)
    await raw(async db => {
      await db.batch([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40].map(i => ({ type: 'del', key: entryKey(G, i) })))
      await db.put(tip, encodeLogBase(tip, { index: 29, term: 2 }))
    })
    await expectCorruption(recordKey(G, RecordKind.hardState), /commit index 30 is past the last index 29/)
  })

  it('catches a lost tail above the commit index (the tip record)', async () => {
    await raw(async db => { await db.batch([39, 40].map(i => ({ type: 'del', key: entryKey(G, i) }))) })
    await expectCorruption(recordKey(G, RecordKind.logTip), /the log ends at 38 \(term 2\), but its last entry was 40 \(term 2\): entries lost/)
    await raw(async db => { await db.del(recordKey(G, RecordKind.logTip)) })
    await expectCorruption(recordKey(G, RecordKind.logTip), /missing, but the log has entries/)
  })

  it('catches an applied index past the commit index', async () => {
    const key = recordKey(G, RecordKind.applied)
    await raw(async db => { await db.put(key, encodeIndex(key, 31)) })
    await expectCorruption(key, /applied index 31 is past the commit index 30/)
  })

  it('catches a snapshot that disagrees with the log, and a compaction point past it', async () => {
    const snapshotKey = recordKey(G, RecordKind.snapshot)
    await raw(async db => { await db.put(snapshotKey, encodeSnapshot(snapshotKey, makeSnapshot(20, 2))) })
    await expectCorruption(snapshotKey, /has term 2, the log has term 1/)
    await raw(async db => { await db.put(snapshotKey, encodeSnapshot(snapshotKey, makeSnapshot(20, 1))) })
    const baseKey = recordKey(G, RecordKind.logBase)
    await raw(async db => { await db.put(baseKey, encodeLogBase(baseKey, { index: 21, term: 1 })) })
    await expectCorruption(baseKey, /compaction point 21 is past the snapshot at 20/)
  })

  it('catches malformed keys and unknown record kinds in a group\'s range', async () => {
    const short = Uint8Array.of(...G, RecordKind.entry, 0, 0, 1)
    await raw(async db => { await db.put(short, encodeIndex(short, 1)) })
    await expectCorruption(short, /malformed key/)
    await raw(async db => { await db.del(short) })
    const unknown = recordKey(G, 0x07)
    await raw(async db => { await db.put(unknown, encodeIndex(unknown, 1)) })
    await expectCorruption(unknown, /unknown record kind 7/)
  })

  it('refuses keys outside the layout, a lost format record, and another format version', async () => {
    const stray = Uint8Array.of(0x05, 1, 2, 3)
    await raw(async db => { await db.put(stray, Uint8Array.of(0)) })
    await expectCorruption(stray, /outside the store's layout/)
    await raw(async db => { await db.del(stray) })
    await raw(async db => { await db.del(FORMAT_KEY) })
    await expectCorruption(FORMAT_KEY, /missing, but the store holds records/)
    await raw(async db => { await db.put(FORMAT_KEY, encodeIndex(FORMAT_KEY, 2)) })
    await expectCorruption(FORMAT_KEY, /format version 2/)
  })
})
