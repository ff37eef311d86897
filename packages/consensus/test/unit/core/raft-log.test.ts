import { describe, expect, it } from '@jest/globals'
import { LogCompactedError } from '../../../src/errors.js'
import { RaftLog } from '../../../src/raft/core/raft-log.js'
import { UnstableLog } from '../../../src/raft/core/unstable-log.js'
import type { ConfState, Entry } from '../../../src/raft/core/types.js'
import { MemoryLogStorage } from '../../../src/storage/memory-log-storage.js'

const conf: ConfState = { voters: ['a'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }

function entry (index: number, term: number, size = 0): Entry {
  return { index, term, type: 'normal', data: new Uint8Array(size) }
}

function terms (...values: number[]): Entry[] {
  return values.map((term, i) => entry(i + 1, term))
}

/** A log whose stable part holds `stable` terms and whose unstable tail holds `unstable` terms after it. */
function logOf (stable: number[], unstable: number[] = [], maxApplyingBytes = Infinity): RaftLog {
  const storage = new MemoryLogStorage({ confState: conf })
  storage.append(terms(...stable))
  const log = new RaftLog(storage, maxApplyingBytes)
  if (unstable.length > 0) log.append(unstable.map((term, i) => entry(stable.length + 1 + i, term)))
  return log
}

describe('UnstableLog', () => {
  it('hands entries out once, and hands a replaced suffix out again', () => {
    const unstable = new UnstableLog(1)
    unstable.truncateAndAppend([entry(1, 1), entry(2, 1), entry(3, 1)])
    expect(unstable.nextEntries().map(e => e.index)).toEqual([1, 2, 3])
    unstable.acceptInProgress()
    expect(unstable.hasNextEntries()).toBe(false)
    unstable.truncateAndAppend([entry(2, 2)])
    expect(unstable.nextEntries().map(e => [e.index, e.term])).toEqual([[2, 2]])
  })

  it('ignores stableTo for an entry that was replaced since', () => {
    const unstable = new UnstableLog(1)
    unstable.truncateAndAppend([entry(1, 1), entry(2, 1)])
    unstable.acceptInProgress()
    unstable.truncateAndAppend([entry(2, 2)])
    unstable.stableTo(2, 1)
    expect(unstable.entries.length).toBe(2)
    unstable.stableTo(2, 2)
    expect(unstable.entries.length).toBe(0)
    expect(unstable.offset).toBe(3)
  })

  it('replaces everything on a snapshot', () => {
    const unstable = new UnstableLog(1)
    unstable.truncateAndAppend([entry(1, 1)])
    unstable.restore({ metadata: { index: 10, term: 3, confState: conf }, data: new Uint8Array() })
    expect(unstable.maybeLastIndex()).toBe(10)
    expect(unstable.maybeTerm(10)).toBe(3)
    expect(unstable.maybeTerm(1)).toBeUndefined()
    expect(unstable.maybeFirstIndex()).toBe(11)
  })
})

describe('RaftLog', () => {
  it('reads terms across the stable and unstable parts', () => {
    const log = logOf([1, 1, 2], [3, 3])
    expect(log.lastIndex()).toBe(5)
    expect([0, 1, 2, 3, 4, 5].map(i => log.term(i))).toEqual([0, 1, 1, 2, 3, 3])
    expect(log.termOrUndefined(6)).toBeUndefined()
    expect(log.slice(2, 6).map(e => e.index)).toEqual([2, 3, 4, 5])
  })

  it('limits slices by bytes across the boundary', () => {
    const storage = new MemoryLogStorage({ confState: conf })
    storage.append([entry(1, 1, 100), entry(2, 1, 100)])
    const log = new RaftLog(storage, Infinity)
    log.append([entry(3, 1, 100), entry(4, 1, 100)])
    expect(log.slice(1, 5, 250).length).toBe(2)
    expect(log.slice(1, 5, 400).length).toBe(3)
    expect(log.slice(1, 5, 1).length).toBe(1)
    expect(log.slice(3, 5, 1).length).toBe(1)
  })

  it('decides up-to-dateness by last term, then last index', () => {
    const log = logOf([1, 2, 2])
    expect(log.isUpToDate(3, 2)).toBe(true)
    expect(log.isUpToDate(2, 2)).toBe(false)
    expect(log.isUpToDate(1, 3)).toBe(true)
    expect(log.isUpToDate(9, 1)).toBe(false)
  })

  it('appends after a matching entry, truncates at the first conflict, and keeps a matching prefix', () => {
    const log = logOf([1, 1, 2, 2])
    expect(log.maybeAppend(5, 2, 0, [])).toBeUndefined()
    expect(log.maybeAppend(2, 2, 0, [entry(3, 2)])).toBeUndefined()
    expect(log.maybeAppend(2, 1, 3, [entry(3, 2), entry(4, 3)])).toBe(4)
    expect(log.term(4)).toBe(3)
    expect(log.committed).toBe(3)
    // entries we already have do not truncate what follows
    expect(log.maybeAppend(1, 1, 3, [entry(2, 1)])).toBe(2)
    expect(log.lastIndex()).toBe(4)
  })

  it('commits only to entries it has, and only of the given term via maybeCommit', () => {
    const log = logOf([1, 1, 2])
    expect(log.maybeCommit(3, 1)).toBe(false)
    expect(log.maybeCommit(2, 1)).toBe(true)
    expect(log.committed).toBe(2)
    expect(() => log.commitTo(9)).toThrow(RangeError)
  })

  it('refuses to overwrite committed entries', () => {
    const log = logOf([1, 1, 2])
    log.commitTo(2)
    expect(() => log.append([entry(2, 5)])).toThrow(RangeError)
  })

  it('finds where logs may agree, a term at a time (binary search)', () => {
    const log = logOf([1, 1, 1, 4, 4, 5, 5, 5, 5])
    expect(log.findConflictByTerm(9, 5)).toEqual({ index: 9, term: 5 })
    expect(log.findConflictByTerm(9, 4)).toEqual({ index: 5, term: 4 })
    expect(log.findConflictByTerm(9, 3)).toEqual({ index: 3, term: 1 })
    expect(log.findConflictByTerm(9, 1)).toEqual({ index: 3, term: 1 })
    expect(log.findConflictByTerm(20, 6)).toEqual({ index: 9, term: 5 })
    expect(log.findConflictByTerm(4, 2)).toEqual({ index: 3, term: 1 })
    expect(log.findConflictByTerm(9, 0)).toEqual({ index: 0, term: 0 })
  })

  it('hands out committed entries once, within the byte budget', () => {
    const storage = new MemoryLogStorage({ confState: conf })
    storage.append([entry(1, 1, 100), entry(2, 1, 100), entry(3, 1, 100)])
    const log = new RaftLog(storage, 150)
    log.commitTo(3)
    expect(log.takeNextCommittedEntries().map(e => e.index)).toEqual([1])
    expect(log.takeNextCommittedEntries().map(e => e.index)).toEqual([2])
    log.appliedTo(2)
    expect(log.takeNextCommittedEntries().map(e => e.index)).toEqual([3])
    expect(log.hasNextCommittedEntries()).toBe(false)
  })

  it('restores from a snapshot and holds back committed entries until it is durable', () => {
    const log = logOf([1, 1])
    log.restore({ metadata: { index: 20, term: 3, confState: conf }, data: new Uint8Array() })
    expect(log.committed).toBe(20)
    expect(log.lastIndex()).toBe(20)
    expect(log.firstIndex()).toBe(21)
    expect(log.hasNextCommittedEntries()).toBe(false)
    expect(() => log.slice(5, 6)).toThrow(LogCompactedError)
    log.stableSnapshotTo(20)
    expect(log.applied).toBe(20)
  })

  it('works over a compacted storage', () => {
    const storage = new MemoryLogStorage({ confState: conf })
    storage.append(terms(1, 1, 2, 2, 3))
    storage.createSnapshot(3, conf, new Uint8Array())
    storage.compact(3)
    const log = new RaftLog(storage, Infinity)
    expect(log.firstIndex()).toBe(4)
    expect(log.term(3)).toBe(2)
    expect(log.termOrUndefined(2)).toBeUndefined()
    expect(log.findConflictByTerm(5, 1)).toEqual({ index: 2, term: 0 })
  })
})
