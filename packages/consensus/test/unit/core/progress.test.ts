import { describe, expect, it } from '@jest/globals'
import { Inflights } from '../../../src/raft/core/inflights.js'
import { Progress } from '../../../src/raft/core/progress.js'
import { SnapshotSender } from '../../../src/raft/core/snapshot-transfer.js'
import type { ConfState } from '../../../src/raft/core/types.js'

const conf: ConfState = { voters: ['a'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }

describe('Inflights', () => {
  it('fills up, frees acknowledged messages in order, and wraps around', () => {
    const inflights = new Inflights(3)
    inflights.add(5)
    inflights.add(7)
    inflights.add(9)
    expect(inflights.full()).toBe(true)
    expect(() => inflights.add(10)).toThrow(RangeError)
    inflights.freeLE(7)
    expect(inflights.count).toBe(1)
    inflights.add(11)
    inflights.add(13)
    expect(inflights.full()).toBe(true)
    inflights.freeLE(6)
    expect(inflights.count).toBe(3)
    inflights.freeLE(12)
    expect(inflights.count).toBe(1)
    inflights.freeFirst()
    expect(inflights.count).toBe(0)
    expect(() => new Inflights(0)).toThrow(RangeError)
  })
})

describe('Progress', () => {
  it('probes one message at a time, then pipelines once it matches', () => {
    const progress = new Progress(11, 2, false)
    expect(progress.isPaused()).toBe(false)
    progress.sentEntries(3, 13)
    expect(progress.isPaused()).toBe(true)
    expect(progress.next).toBe(11)
    expect(progress.maybeUpdate(13)).toBe(true)
    progress.becomeReplicate()
    expect(progress.next).toBe(14)
    progress.sentEntries(2, 15)
    progress.sentEntries(1, 16)
    expect(progress.next).toBe(17)
    expect(progress.isPaused()).toBe(true)
    progress.inflights.freeLE(15)
    expect(progress.isPaused()).toBe(false)
  })

  it('ignores stale acknowledgements and stale rejections', () => {
    const progress = new Progress(6, 4, false)
    progress.maybeUpdate(5)
    expect(progress.maybeUpdate(4)).toBe(false)
    progress.becomeReplicate()
    progress.sentEntries(4, 9)
    expect(progress.maybeDecrTo(5, 5)).toBe(false)
    expect(progress.maybeDecrTo(8, 3)).toBe(true)
    expect(progress.next).toBe(6)
  })

  it('in probe state, backs off to the hint but never below match + 1', () => {
    const progress = new Progress(21, 4, false)
    progress.match = 3
    expect(progress.maybeDecrTo(19, 10)).toBe(false)
    expect(progress.maybeDecrTo(20, 10)).toBe(true)
    expect(progress.next).toBe(11)
    expect(progress.maybeDecrTo(10, 1)).toBe(true)
    expect(progress.next).toBe(4)
  })

  it('pauses while a snapshot is sent, and probes past it afterwards', () => {
    const progress = new Progress(5, 4, false)
    const snapshot = { metadata: { index: 50, term: 2, confState: conf }, data: new Uint8Array(10) }
    progress.becomeSnapshot(50, new SnapshotSender(snapshot, 4, 0))
    expect(progress.isPaused()).toBe(true)
    expect(progress.snapshotSender).toBeDefined()
    progress.becomeProbe()
    expect(progress.next).toBe(51)
    expect(progress.snapshotSender).toBeUndefined()
  })

  it('resets for a new term', () => {
    const progress = new Progress(5, 4, true)
    progress.maybeUpdate(9)
    progress.recentActive = true
    progress.reset(30)
    expect(progress.status()).toEqual({ match: 0, next: 30, state: 'probe', recentActive: false, inflight: 0, learner: true })
  })
})
