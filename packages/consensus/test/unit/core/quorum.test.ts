import { describe, expect, it } from '@jest/globals'
import { jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult } from '../../../src/raft/core/quorum.js'

function acked (values: Record<string, number>): (id: string) => number {
  return id => values[id] ?? 0
}

function voted (values: Record<string, boolean>): (id: string) => boolean | undefined {
  return id => values[id]
}

describe('majority quorum', () => {
  it('commits the index a majority has', () => {
    expect(majorityCommittedIndex(new Set(['a']), acked({ a: 7 }))).toBe(7)
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c']), acked({ a: 7, b: 5, c: 3 }))).toBe(5)
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c', 'd']), acked({ a: 7, b: 5, c: 3, d: 9 }))).toBe(5)
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c', 'd']), acked({ a: 7, b: 1 }))).toBe(0)
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c', 'd', 'e']), acked({ a: 2, b: 8, c: 4, d: 6, e: 1 }))).toBe(4)
    expect(majorityCommittedIndex(new Set(), acked({}))).toBe(Infinity)
  })

  it('tallies votes: won, lost, or pending', () => {
    const five = new Set(['a', 'b', 'c', 'd', 'e'])
    expect(majorityVoteResult(five, voted({ a: true, b: true }))).toBe('pending')
    expect(majorityVoteResult(five, voted({ a: true, b: true, c: true }))).toBe('won')
    expect(majorityVoteResult(five, voted({ a: false, b: false, c: false }))).toBe('lost')
    expect(majorityVoteResult(five, voted({ a: true, b: false, c: false, d: true }))).toBe('pending')
    expect(majorityVoteResult(new Set(['a', 'b']), voted({ a: true, b: false }))).toBe('lost')
    expect(majorityVoteResult(new Set(), voted({}))).toBe('won')
  })
})

describe('joint quorum', () => {
  it('commits only what both halves have', () => {
    const voters = { incoming: new Set(['a', 'b', 'c']), outgoing: new Set(['c', 'd', 'e']) }
    expect(jointCommittedIndex(voters, acked({ a: 9, b: 9, c: 4, d: 4, e: 1 }))).toBe(4)
    expect(jointCommittedIndex(voters, acked({ a: 9, b: 9, c: 9, d: 2, e: 2 }))).toBe(2)
    expect(jointCommittedIndex({ incoming: new Set(['a', 'b', 'c']), outgoing: new Set() }, acked({ a: 3, b: 3 }))).toBe(3)
  })

  it('needs both halves to win, and loses if either loses', () => {
    const voters = { incoming: new Set(['a', 'b', 'c']), outgoing: new Set(['c', 'd', 'e']) }
    expect(jointVoteResult(voters, voted({ a: true, b: true }))).toBe('pending')
    expect(jointVoteResult(voters, voted({ a: true, b: true, c: true }))).toBe('pending')
    expect(jointVoteResult(voters, voted({ a: true, c: true, d: true }))).toBe('won')
    expect(jointVoteResult(voters, voted({ a: true, b: true, d: true, e: true }))).toBe('won')
    expect(jointVoteResult(voters, voted({ a: true, b: true, c: false, d: false }))).toBe('lost')
    expect(jointVoteResult(voters, voted({ a: false, b: false, d: true, e: true }))).toBe('lost')
  })
})
