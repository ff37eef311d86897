import { describe, expect, it } from '@jest/globals'
import { LogCompactedError, LogUnavailableError } from '../../../src/errors.js'
import type { ConfState, Entry } from '../../../src/raft/core/types.js'
import { MemoryLogStorage } from '../../../src/storage/memory-log-storage.js'

const conf: ConfState = { voters: ['a', 'b', 'c'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }

function entry (index: number, term: number, data = ''): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(data) }
}

function filled (): MemoryLogStorage {
  const storage = new MemoryLogStorage({ confState: conf })
  storage.append([entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 3), entry(5, 3)])
  return storage
}

describe('MemoryLogStorage', () => {
  it('starts empty with the given configuration', () => {
    const storage = new MemoryLogStorage({ confState: conf })
    expect(storage.firstIndex()).toBe(1)
    expect(storage.lastIndex()).toBe(0)
    expect(storage.term(0)).toBe(0)
    expect(storage.initialState()).toEqual({ hardState: { term: 0, vote: '', commit: 0 }, confState: conf })
  })

  it('answers terms and entries and throws the typed errors outside the log', () => {
    const storage = filled()
    expect(storage.term(3)).toBe(2)
    expect(storage.entries(2, 5).map(e => e.index)).toEqual([2, 3, 4])
    expect(() => storage.term(6)).toThrow(LogUnavailableError)
    expect(() => storage.entries(4, 7)).toThrow(LogUnavailableError)
    storage.createSnapshot(2, conf, new Uint8Array([1]))
    storage.compact(2)
    expect(storage.term(2)).toBe(1)
    expect(() => storage.term(1)).toThrow(LogCompactedError)
    expect(() => storage.entries(2, 4)).toThrow(LogCompactedError)
    expect(storage.firstIndex()).toBe(3)
  })

  it('limits entries by bytes but always returns one', () => {
    const storage = new MemoryLogStorage({ confState: conf })
    storage.append([entry(1, 1, 'x'.repeat(100)), entry(2, 1, 'y'.repeat(100)), entry(3, 1, 'z')])
    expect(storage.entries(1, 4, 10).length).toBe(1)
    expect(storage.entries(1, 4, 240).length).toBe(2)
    expect(storage.entries(1, 4).length).toBe(3)
  })

  it('overwrites a conflicting suffix and refuses gaps', () => {
    const storage = filled()
    storage.append([entry(4, 4), entry(5, 4), entry(6, 4)])
    expect([4, 5, 6].map(i => storage.term(i))).toEqual([4, 4, 4])
    storage.append([entry(3, 5)])
    expect(storage.lastIndex()).toBe(3)
    expect(() => storage.append([entry(5, 5)])).toThrow(LogUnavailableError)
    expect(() => storage.append([entry(4, 5), entry(6, 5)])).toThrow(RangeError)
  })

  it('skips entries at or below the compaction point when appending', () => {
    const storage = filled()
    storage.createSnapshot(3, conf, new Uint8Array())
    storage.compact(3)
    storage.append([entry(2, 1), entry(3, 2), entry(4, 9)])
    expect(storage.firstIndex()).toBe(4)
    expect(storage.term(4)).toBe(9)
    expect(storage.lastIndex()).toBe(4)
  })

  it('creates snapshots within the log only, and compacts up to the latest snapshot only', () => {
    const storage = filled()
    expect(() => storage.createSnapshot(6, conf, new Uint8Array())).toThrow(LogUnavailableError)
    const snapshot = storage.createSnapshot(4, conf, new Uint8Array([9]))
    expect(snapshot.metadata).toEqual({ index: 4, term: 3, confState: conf })
    expect(storage.snapshot()).toBe(snapshot)
    expect(() => storage.createSnapshot(3, conf, new Uint8Array())).toThrow(LogCompactedError)
    expect(() => storage.compact(5)).toThrow(RangeError)
    storage.compact(4)
    storage.compact(2)
    expect(storage.firstIndex()).toBe(5)
    expect(storage.entries(5, 6).map(e => e.term)).toEqual([3])
  })

  it('replaces the log with a snapshot from the leader and reports its configuration', () => {
    const storage = filled()
    const joined: ConfState = { ...conf, voters: ['a', 'b', 'c', 'd'] }
    storage.applySnapshot({ metadata: { index: 10, term: 4, confState: joined }, data: new Uint8Array() })
    expect(storage.firstIndex()).toBe(11)
    expect(storage.lastIndex()).toBe(10)
    expect(storage.term(10)).toBe(4)
    expect(storage.initialState().confState).toEqual(joined)
    expect(() => storage.applySnapshot({ metadata: { index: 9, term: 4, confState: joined }, data: new Uint8Array() })).toThrow(LogCompactedError)
    storage.append([entry(11, 4)])
    expect(storage.lastIndex()).toBe(11)
  })

  it('records hard state and configuration for restarts', () => {
    const storage = filled()
    storage.setHardState({ term: 3, vote: 'b', commit: 4 })
    const next: ConfState = { ...conf, learners: ['z'] }
    storage.setConfState(next)
    expect(storage.initialState()).toEqual({ hardState: { term: 3, vote: 'b', commit: 4 }, confState: next })
  })
})
