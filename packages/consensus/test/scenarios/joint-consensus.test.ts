import { describe, expect, it } from '@jest/globals'
import { InvalidConfChangeError } from '../../src/errors.js'
import type { ConfChange } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

const replaceAWithD: ConfChange = {
  changes: [{ type: 'removeNode', node: 'a' }, { type: 'addVoter', node: 'd' }],
  transition: 'auto'
}

describe('joint consensus', () => {
  it('replaces the leader itself: enter joint, leave automatically, the old leader steps down', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], bootstrapSnapshot: true })
    net.campaign('a')
    net.propose('a', 'before')
    net.addMember('d')
    const configEntriesApplied = (id: string): number => net.member(id).appliedEntries.filter(entry => entry.type === 'config').length
    net.core('a').proposeConfChange(replaceAWithD)
    // the joint configuration is entered and, once applied by the leader, left automatically
    net.stabilize()
    for (const id of ['a', 'b', 'c']) expect(configEntriesApplied(id)).toBe(2)
    expect(net.core('b').status().confState).toMatchObject({ outgoing: [], autoLeave: false })
    expect([...net.core('b').status().confState.voters].sort()).toEqual(['b', 'c', 'd'])
    // a applied its removal and stepped down; b, c, d elect a new leader among themselves
    expect(net.core('a').status().role).toBe('follower')
    net.tick(40)
    const leaders = net.leaders()
    expect(leaders).toHaveLength(1)
    expect(['b', 'c', 'd']).toContain(leaders[0])
    net.propose(leaders[0], 'after')
    expect(net.member('d').applied).toEqual(['before', 'after'])
    expect(configEntriesApplied('d')).toBe(2)
  })

  it('in a joint configuration, commitment needs a majority of both halves', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], bootstrapSnapshot: true })
    net.campaign('a')
    for (const id of ['d', 'e']) net.addMember(id)
    net.core('a').proposeConfChange({
      changes: [{ type: 'removeNode', node: 'b' }, { type: 'removeNode', node: 'c' }, { type: 'addVoter', node: 'd' }, { type: 'addVoter', node: 'e' }],
      transition: 'joint-explicit'
    })
    net.stabilize()
    expect(net.core('a').status().confState).toMatchObject({ outgoing: ['a', 'b', 'c'] })
    // a, d, e are a majority of the incoming half but only 1 of 3 in the outgoing one
    net.isolate('b')
    net.isolate('c')
    const before = net.core('a').status().commit
    net.core('a').propose(new TextEncoder().encode('x'))
    net.stabilize()
    expect(net.core('a').status().commit).toBe(before)
    net.recover()
    net.isolate('c')
    net.tick(2)
    expect(net.core('a').status().commit).toBe(before + 1)
    // the explicit leave
    expect(() => net.core('a').proposeConfChange({ changes: [{ type: 'addVoter', node: 'f' }], transition: 'auto' })).toThrow(InvalidConfChangeError)
    net.core('a').proposeConfChange({ changes: [], transition: 'auto' })
    net.stabilize()
    expect(net.core('a').status().confState).toMatchObject({ voters: ['a', 'd', 'e'], outgoing: [] })
  })

  it('elections in a joint configuration need both majorities', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], bootstrapSnapshot: true, options: { preVote: false, checkQuorum: false } })
    net.campaign('a')
    for (const id of ['d', 'e']) net.addMember(id)
    net.core('a').proposeConfChange({
      changes: [{ type: 'removeNode', node: 'b' }, { type: 'removeNode', node: 'c' }, { type: 'addVoter', node: 'd' }, { type: 'addVoter', node: 'e' }],
      transition: 'joint-explicit'
    })
    net.stabilize()
    net.isolate('a')
    net.cut('d', 'b')
    net.cut('d', 'c')
    // d gets e (incoming {a, d, e}: 2 of 3) but neither b nor c (outgoing {a, b, c}: 0 of 3)
    net.campaign('d')
    expect(net.core('d').status().role).not.toBe('leader')
    net.recover()
    net.isolate('a')
    net.campaign('d')
    expect(net.core('d').status().role).toBe('leader')
  })

  it('refuses changes that cannot apply', () => {
    const net = new RaftNetwork({ voters: ['a'] })
    net.campaign('a')
    expect(() => net.core('a').proposeConfChange({ changes: [], transition: 'auto' })).toThrow(InvalidConfChangeError)
    expect(() => net.core('a').proposeConfChange({ changes: [{ type: 'removeNode', node: 'a' }], transition: 'auto' })).toThrow(InvalidConfChangeError)
  })
})
