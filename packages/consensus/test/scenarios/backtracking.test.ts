import { describe, expect, it } from '@jest/globals'
import type { AppendResponseMessage, ConfState, Entry } from '../../src/raft/core/types.js'
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js'
import { bytes, RaftNetwork } from '../unit/core/support/raft-network.js'

const conf: ConfState = { voters: ['a', 'b', 'c'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }

/** Entries from..to (inclusive), all of `term`. */
function run (from: number, to: number, term: number): Entry[] {
  const entries: Entry[] = []
  for (let index = from; index <= to; index++) entries.push({ index, term, type: 'normal', data: bytes(`${term}:${index}`) })
  return entries
}

function storageWith (term: number, ...runs: Entry[][]): MemoryLogStorage {
  const storage = new MemoryLogStorage({ confState: conf, hardState: { term, vote: '', commit: 10 } })
  for (const entries of runs) storage.append(entries)
  return storage
}

describe('fast log backtracking', () => {
  it('skips a long divergent suffix a term at a time, not an entry at a time', () => {
    const net = new RaftNetwork({ voters: [] })
    net.addMember('a', storageWith(4, run(1, 10, 1), run(11, 300, 4)))
    net.addMember('c', storageWith(4, run(1, 10, 1), run(11, 300, 4)))
    // b has 200 entries of terms 2 and 3 that nobody else has
    net.addMember('b', storageWith(3, run(1, 10, 1), run(11, 110, 2), run(111, 210, 3)), { maxMessageBytes: 64 * 1024 })
    net.campaign('a')
    expect(net.core('a').status()).toMatchObject({ role: 'leader', term: 5 })
    net.tick(3)
    const rejections = net.delivered.filter((m): m is AppendResponseMessage => m.type === 'appendResponse' && m.from === 'b' && m.reject)
    expect(rejections.length).toBeLessThanOrEqual(2)
    expect(net.core('b').status().lastIndex).toBe(301)
    expect(net.member('b').storage.term(111)).toBe(4)
    expect(net.core('b').status().commit).toBe(301)
  })

  it('a follower with a longer divergent log of an old term has it truncated by the next leader', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote: false, checkQuorum: false } })
    net.campaign('a')
    net.propose('a', 'common')
    // a keeps taking proposals it cannot commit; b and c move on without it
    net.isolate('a')
    for (let i = 0; i < 150; i++) net.core('a').propose(bytes(`lost-${i}`))
    net.stabilize()
    net.campaign('b')
    for (let i = 0; i < 20; i++) net.propose('b', `kept-${i}`)
    net.recover()
    net.tick(3)
    const rejections = net.delivered.filter(m => m.type === 'appendResponse' && m.from === 'a' && m.reject)
    expect(rejections.length).toBeLessThanOrEqual(3)
    expect(net.member('a').applied).toEqual(net.member('b').applied)
    expect(net.member('a').applied.some(value => value.startsWith('lost'))).toBe(false)
    expect(net.core('a').status().lastIndex).toBe(net.core('b').status().lastIndex)
  })
})
