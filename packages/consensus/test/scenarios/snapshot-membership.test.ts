import { describe, expect, it } from '@jest/globals'
import type { ConfChange, SnapshotChunkMessage } from '../../src/raft/core/types.js'
import { crc32c } from '../../src/util/crc32c.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

const add = (node: string): ConfChange => ({ changes: [{ type: 'addVoter', node }], transition: 'auto' })
const remove = (node: string): ConfChange => ({ changes: [{ type: 'removeNode', node }], transition: 'auto' })

function sortedVoters (net: RaftNetwork, id: string): string[] {
  return [...net.core(id).status().confState.voters].sort()
}

/**
 * A follower far behind receives, in chunks, a snapshot whose configuration contains membership
 * changes it never saw as log entries (d added, b removed). It must install that configuration,
 * and then count votes by it.
 */
describe('snapshot carrying a membership change', () => {
  it('a lagging follower installs the chunked snapshot, takes its configuration, and elects by it', () => {
    // d joins with an empty log: the initial configuration must be in the log's history
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { snapshotChunkBytes: 16 }, bootstrapSnapshot: true })
    net.campaign('a')
    net.isolate('c')
    for (let i = 1; i <= 5; i++) net.propose('a', `entry-${i}`)
    net.addMember('d')
    net.core('a').proposeConfChange(add('d'))
    net.stabilize()
    expect(sortedVoters(net, 'a')).toEqual(['a', 'b', 'c', 'd'])
    net.core('a').proposeConfChange(remove('b'))
    net.stabilize()
    expect(sortedVoters(net, 'a')).toEqual(['a', 'c', 'd'])
    net.isolate('b')
    for (let i = 6; i <= 8; i++) net.propose('a', `entry-${i}`)
    net.member('a').compact()
    expect(net.member('a').storage.firstIndex()).toBeGreaterThan(2)

    // c comes back: the entries it needs are compacted, so it gets the snapshot, in chunks
    net.recover()
    net.isolate('b')
    net.tick(3)
    const chunks = net.delivered.filter((m): m is SnapshotChunkMessage => m.type === 'snapshot' && m.to === 'c')
    const snapshot = net.member('a').storage.snapshot()
    expect(chunks.length).toBe(Math.ceil(snapshot.data.byteLength / 16))
    expect(chunks.every(chunk => chunk.data.byteLength <= 16 && chunk.checksum === crc32c(snapshot.data))).toBe(true)
    expect(chunks.map(chunk => chunk.offset)).toEqual(chunks.map((_, i) => i * 16))
    expect(net.member('c').confState.voters.slice().sort()).toEqual(['a', 'c', 'd'])
    expect(sortedVoters(net, 'c')).toEqual(['a', 'c', 'd'])
    expect(net.member('c').applied).toEqual(net.member('a').applied)
    expect(net.core('c').status().commit).toBe(net.core('a').status().commit)

    // without a, c and d are a majority of {a, c, d}; by its old configuration {a, b, c} c could not win
    // (either way round: d's vote request reaches c only if c knows d as a member)
    net.isolate('a')
    net.tick(40, ['c', 'd'])
    const leaders = net.leaders().filter(id => id !== 'a')
    expect(leaders.length).toBe(1)
    expect(['c', 'd']).toContain(leaders[0])
    net.propose(leaders[0], 'after')
    expect(net.member('d').applied.at(-1)).toBe('after')
    expect(net.errors()).toEqual([])
  })

  it('a new member with an empty log is brought up by snapshot when the log is compacted', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { snapshotChunkBytes: 8 } })
    net.campaign('a')
    for (let i = 1; i <= 4; i++) net.propose('a', `v${i}`)
    for (const id of ['a', 'b', 'c']) net.member(id).compact()
    net.addMember('d')
    net.core('a').proposeConfChange({ changes: [{ type: 'addLearner', node: 'd' }], transition: 'auto' })
    net.stabilize()
    net.tick(3)
    expect(net.member('d').applied).toEqual(['v1', 'v2', 'v3', 'v4'])
    expect(net.core('d').status().confState.learners).toEqual(['d'])
    expect(net.core('a').status().progress?.d).toMatchObject({ state: 'replicate', learner: true })
    net.propose('a', 'v5')
    expect(net.member('d').applied.at(-1)).toBe('v5')
  })

  it('a lost chunk stalls the transfer only until it is resent', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { snapshotChunkBytes: 8 } })
    net.campaign('a')
    net.isolate('c')
    for (let i = 1; i <= 6; i++) net.propose('a', `value-${i}`)
    net.member('a').compact()
    net.recover()
    let dropped = 0
    net.drop(message => message.type === 'snapshot' && message.offset === 16 && dropped++ === 0)
    net.tick(30)
    expect(dropped).toBeGreaterThan(1)
    expect(net.member('c').applied).toEqual(net.member('a').applied)
    expect(net.errors()).toEqual([])
  })

  it('a snapshot arriving while committed entries are being applied waits: their config entries must not land on its configuration', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    const b = net.core('b')
    const entries = [3, 4].map(index => ({ index, term: 1, type: 'normal' as const, data: new TextEncoder().encode(`e${index}`) }))
    b.step({ type: 'append', from: 'a', to: 'b', term: 1, prevIndex: 2, prevTerm: 1, entries, commit: 4 })
    const handedOut = b.ready()
    expect(handedOut.committedEntries.map(e => e.index)).toEqual([3, 4])
    // before the host has applied them, a whole snapshot of a later configuration arrives
    const data = new TextEncoder().encode('state at 10')
    const confState = { voters: ['a', 'b', 'c', 'd'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }
    const chunk: SnapshotChunkMessage = {
      type: 'snapshot', from: 'a', to: 'b', term: 1, metadata: { index: 10, term: 1, confState }, offset: 0, data, done: true, totalSize: data.length, checksum: crc32c(data)
    }
    b.step(chunk)
    expect(b.status().confState.voters).toEqual(['a', 'b', 'c'])
    expect(b.status().lastIndex).toBe(4)
    expect(b.ready().snapshot).toBeUndefined()
  })
})
