import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { GroupPersistence } from '../../../src/group/group-persistence.js'
import { RaftStorageEngine } from '../../../src/storage/level-raft-storage.js'
import { makeEntries, makeSnapshot, plain, tempStoreDir, THREE_VOTERS } from '../../fixtures/storage-helpers.js'

describe('RaftStorageEngine and GroupStorage', () => {
  let dir: string
  let remove: () => Promise<void>
  let engine: RaftStorageEngine

  beforeEach(async () => {
    ({ dir, remove } = await tempStoreDir())
    engine = await RaftStorageEngine.open(dir)
  })

  afterEach(async () => {
    await engine.close()
    await remove()
  })

  async function reopen (): Promise<RaftStorageEngine> {
    await engine.close()
    engine = await RaftStorageEngine.open(dir)
    return engine
  }

  it('loads a group never saved as an empty log', async () => {
    const { log, applied } = await engine.group('g').load()
    expect(log.firstIndex()).toBe(1)
    expect(log.lastIndex()).toBe(0)
    expect(log.initialState().hardState).toEqual({ term: 0, vote: '', commit: 0 })
    expect(applied).toBeUndefined()
    expect(await engine.groups()).toEqual([])
  })

  it('is the host\'s GroupPersistence', async () => {
    const group = engine.group('g')
    await group.load()
    const persistence: GroupPersistence = group
    await persistence.save({ entries: makeEntries(1, 2, 1), hardState: { term: 1, vote: 'a', commit: 0 } }, { sync: true })
    expect(persistence.log.lastIndex()).toBe(2)
  })

  it('persists entries, hard state, conf state and applied index across a reopen', async () => {
    const group = engine.group('g')
    await group.load()
    const entries = makeEntries(1, 50, 1, 100)
    await group.save({ entries, hardState: { term: 2, vote: 'b', commit: 40 }, confState: THREE_VOTERS, applied: 30 }, { sync: true })

    const { log, applied } = await (await reopen()).group('g').load()
    expect(log.firstIndex()).toBe(1)
    expect(log.lastIndex()).toBe(50)
    expect(plain(log.entries(1, 51))).toEqual(plain(entries))
    expect(log.initialState()).toEqual({ hardState: { term: 2, vote: 'b', commit: 40 }, confState: THREE_VOTERS })
    expect(applied).toBe(30)
  })

  it('overwrites a conflicting suffix and deletes the stale entries after it', async () => {
    const group = engine.group('g')
    await group.load()
    await group.save({ entries: makeEntries(1, 10, 1), hardState: { term: 1, vote: '', commit: 3 } }, { sync: true })
    await group.save({ entries: makeEntries(6, 7, 2), hardState: { term: 2, vote: '', commit: 3 } }, { sync: true })
    expect(group.log.lastIndex()).toBe(7)

    const { log } = await (await reopen()).group('g').load()
    expect(log.lastIndex()).toBe(7)
    expect([5, 6, 7].map(i => log.term(i))).toEqual([1, 2, 2])
  })

  it('replaces the whole log with a snapshot received from the leader', async () => {
    const group = engine.group('g')
    await group.load()
    await group.save({ entries: makeEntries(1, 20, 1), hardState: { term: 1, vote: '', commit: 5 } }, { sync: true })
    const snapshot = makeSnapshot(100, 3)
    await group.save({ snapshot, entries: makeEntries(101, 103, 3), hardState: { term: 3, vote: '', commit: 100 } }, { sync: true })

    const { log } = await (await reopen()).group('g').load()
    expect(log.firstIndex()).toBe(101)
    expect(log.lastIndex()).toBe(103)
    expect(log.term(100)).toBe(3)
    expect(log.snapshot().metadata).toEqual(snapshot.metadata)
    expect([...log.snapshot().data]).toEqual([...snapshot.data])
    expect(log.initialState().confState).toEqual(THREE_VOTERS)
  })

  it('compacts below a local snapshot, keeping the entries between for slow followers', async () => {
    const group = engine.group('g')
    await group.load()
    await group.save({ entries: [...makeEntries(1, 30, 1), ...makeEntries(31, 60, 2)], hardState: { term: 2, vote: '', commit: 55 } }, { sync: true })
    await group.compact(makeSnapshot(50, 2), 40)
    expect(group.log.firstIndex()).toBe(41)
    expect(group.log.snapshot().metadata.index).toBe(50)

    let { log } = await (await reopen()).group('g').load()
    expect(log.firstIndex()).toBe(41)
    expect(log.lastIndex()).toBe(60)
    expect(log.term(40)).toBe(2)
    expect(log.snapshot().metadata).toEqual(makeSnapshot(50, 2).metadata)

    // a later compaction that keeps the old compaction point, then one up to the snapshot
    const g = engine.group('g')
    await g.save({ entries: makeEntries(61, 80, 2), hardState: { term: 2, vote: '', commit: 80 } }, { sync: true })
    await g.compact(makeSnapshot(70, 2), 35)
    ;({ log } = await (await reopen()).group('g').load())
    expect([log.firstIndex(), log.snapshot().metadata.index]).toEqual([41, 70])
    await engine.group('g').compact(makeSnapshot(80, 2), 80, { sync: true })
    ;({ log } = await (await reopen()).group('g').load())
    expect([log.firstIndex(), log.lastIndex(), log.snapshot().metadata.index]).toEqual([81, 80, 80])
  })

  it('keeps many groups apart, lists them, and destroys one', async () => {
    const ids = ['a', 'ab', 'b', 'control', 'ünïcode', 'x'.repeat(255)]
    for (const [i, id] of ids.entries()) {
      const group = engine.group(id)
      await group.load()
      await group.save({ entries: makeEntries(1, i + 1, 1), hardState: { term: 1, vote: '', commit: 0 } }, { sync: false })
    }
    expect((await engine.groups()).sort()).toEqual([...ids].sort())
    await engine.group('ab').destroy()
    await reopen()
    expect((await engine.groups()).sort()).toEqual(ids.filter(id => id !== 'ab').sort())
    for (const [i, id] of ids.entries()) {
      expect((await engine.group(id).load()).log.lastIndex()).toBe(id === 'ab' ? 0 : i + 1)
    }
  })

  it('refuses group ids that do not fit a key', () => {
    expect(() => engine.group('')).toThrow(RangeError)
    expect(() => engine.group('x'.repeat(256))).toThrow(RangeError)
  })

  it('saves concurrently from many groups, and in call order within one', async () => {
    const groups = Array.from({ length: 10 }, (_, i) => engine.group(`g${i}`))
    await Promise.all(groups.map(async g => await g.load()))
    await Promise.all(groups.flatMap(g => [1, 2, 3, 4].map(async batch => {
      await g.save({ entries: makeEntries(batch * 10 - 9, batch * 10, batch), hardState: { term: batch, vote: '', commit: 0 } }, { sync: true })
    })))
    await reopen()
    for (let i = 0; i < 10; i++) {
      const { log } = await engine.group(`g${i}`).load()
      expect([log.lastIndex(), log.term(40), log.initialState().hardState.term]).toEqual([40, 4, 4])
    }
  })

  it('updates the in-memory log only once the write has resolved', async () => {
    const group = engine.group('g')
    const { log } = await group.load()
    const saving = group.save({ entries: makeEntries(1, 3, 1), hardState: { term: 1, vote: '', commit: 0 } }, { sync: true })
    expect(log.lastIndex()).toBe(0)
    await saving
    expect(log.lastIndex()).toBe(3)
  })

  it('refuses updates the log cannot hold, writing nothing', async () => {
    const group = engine.group('g')
    await group.load()
    await group.save({ entries: makeEntries(1, 5, 2), hardState: { term: 2, vote: '', commit: 1 } }, { sync: true })
    const gapped = [...makeEntries(6, 6, 2), ...makeEntries(8, 8, 2)]
    await expect(group.save({ entries: gapped }, { sync: true })).rejects.toThrow(RangeError)
    await expect(group.save({ entries: makeEntries(6, 6, 1) }, { sync: true })).rejects.toThrow(RangeError)
    await expect(group.save({ entries: makeEntries(8, 9, 2) }, { sync: true })).rejects.toMatchObject({ name: 'LogUnavailableError' })
    await expect(group.save({ hardState: { term: 2, vote: '', commit: 9 } }, { sync: true })).rejects.toThrow(RangeError)
    await expect(group.save({ entries: makeEntries(6, 6, 3) }, { sync: true })).rejects.toThrow(/below the last entry's term/)
    await expect(group.compact(makeSnapshot(4, 1), 4)).rejects.toThrow(RangeError)
    await expect(group.compact(makeSnapshot(3, 2), 4)).rejects.toThrow(RangeError)
    await expect(group.compact(makeSnapshot(3, 2), 3)).rejects.toThrow(/past the commit index/)
    await group.save({ hardState: { term: 2, vote: '', commit: 3 } }, { sync: true })
    await group.compact(makeSnapshot(3, 2), 3)
    await expect(group.save({ snapshot: makeSnapshot(2, 2) }, { sync: true })).rejects.toMatchObject({ name: 'LogCompactedError' })

    const { log } = await (await reopen()).group('g').load()
    expect([log.firstIndex(), log.lastIndex(), log.initialState().hardState.commit]).toEqual([4, 5, 3])
  })

  it('honours an aborted signal before writing', async () => {
    const group = engine.group('g')
    await group.load()
    const controller = new AbortController()
    controller.abort()
    await expect(group.save({ entries: makeEntries(1, 1, 1), hardState: { term: 1, vote: '', commit: 0 } }, { sync: true, signal: controller.signal }))
      .rejects.toMatchObject({ name: 'AbortError' })
    expect(group.log.lastIndex()).toBe(0)
    expect((await (await reopen()).group('g').load()).log.lastIndex()).toBe(0)
  })

  it('refuses work once closed', async () => {
    const group = engine.group('g')
    await group.load()
    await engine.close()
    await expect(group.save({ entries: makeEntries(1, 1, 1), hardState: { term: 1, vote: '', commit: 0 } }, { sync: true })).rejects.toMatchObject({ name: 'ConsensusError' })
    engine = await RaftStorageEngine.open(dir)
  })

  it('waits for saves under way when closing', async () => {
    const group = engine.group('g')
    await group.load()
    const saving = group.save({ entries: makeEntries(1, 100, 1), hardState: { term: 1, vote: '', commit: 0 } }, { sync: true })
    await engine.close()
    await saving
    engine = await RaftStorageEngine.open(dir)
    expect((await engine.group('g').load()).log.lastIndex()).toBe(100)
  })
})
