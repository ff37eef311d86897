import { describe, expect, it } from '@jest/globals'
import { ProposalDroppedError } from '../../src/errors.js'
import { decodeConfChange } from '../../src/raft/core/conf-change-codec.js'
import type { ConfChange } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

const add = (node: string): ConfChange => ({ changes: [{ type: 'addVoter', node }], transition: 'auto' })
const remove = (node: string): ConfChange => ({ changes: [{ type: 'removeNode', node }], transition: 'auto' })

/**
 * Ongaro's single-server membership change bug (raft-dev, 2015): with one-at-a-time changes, a
 * change appended by one leader and another appended by the next leader, who never saw the first,
 * can be based on different configurations whose majorities do not overlap. The fix: a leader
 * appends a membership change only after committing an entry of its own term (and only one
 * change may be pending).
 */
describe('single-server membership changes across a leader change', () => {
  it('a new leader refuses a membership change until it commits an entry of its term, and the two changes never form disjoint majorities', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c', 'd'], options: { preVote: false, checkQuorum: false } })
    net.campaign('a')
    expect(net.core('a').status().commit).toBe(1)

    // a proposes adding e; the entry stays on a alone, and a crashes
    net.addMember('e')
    const hold = net.drop(message => message.from === 'a' && message.type === 'append')
    net.core('a').proposeConfChange(add('e'))
    net.stabilize()
    expect(net.core('a').status().lastIndex).toBe(2)
    hold()
    net.isolate('a')

    // b is elected by b, c, d; its no-op does not get out yet
    const holdB = net.drop(message => message.from === 'b' && message.type === 'append')
    net.campaign('b')
    expect(net.core('b').status()).toMatchObject({ role: 'leader', term: 2, commit: 1 })
    // the guard: nothing of term 2 is committed, so no membership change yet
    expect(() => net.core('b').proposeConfChange(remove('a'))).toThrow(ProposalDroppedError)
    expect(() => net.core('b').proposeConfChange(remove('a'))).toThrow(/not yet committed an entry of its term/)

    // once the no-op commits, b may remove a (one change pending at a time)
    holdB()
    net.tick(1, ['b', 'c', 'd'])
    expect(net.core('b').status().commit).toBe(2)
    net.core('b').proposeConfChange(remove('a'))
    expect(() => net.core('b').proposeConfChange(add('f'))).toThrow(/already pending/)
    net.stabilize()
    for (const id of ['b', 'c', 'd']) expect([...net.core(id).status().confState.voters].sort()).toEqual(['b', 'c', 'd'])

    // a comes back with its uncommitted change; it cannot lead: it is no longer a member
    net.recover()
    net.restart('a')
    for (let i = 0; i < 3; i++) net.campaign('a')
    net.tick(30)
    const leaders = net.leaders()
    expect(leaders).toHaveLength(1)
    expect(['b', 'c', 'd']).toContain(leaders[0])
    // a's change adding e was never committed: nobody applied it, and a's copy was replaced
    for (const member of net.members.values()) {
      const applied = member.appliedEntries.filter(entry => entry.type === 'config').map(entry => decodeConfChange(entry.data))
      expect(applied).toEqual([remove('a')].slice(0, applied.length))
    }
    expect(net.core('a').status().commit).toBe(1)
    // a was removed: b, c, d refuse its vote requests, so it cannot even raise their terms
    expect(net.core('b').status()).toMatchObject({ role: 'leader', term: 2 })
    expect(net.errors().length).toBeGreaterThan(0)
    expect(net.errors().every(err => err.name === 'NonMemberMessageError')).toBe(true)
    // election safety held throughout (the network checks it)
    expect(net.leaderOfTerm.get(2)).toBe('b')
  })

  it('a leader refuses a second change while one is pending, and accepts one again once it is applied', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    const hold = net.drop(message => message.type === 'appendResponse')
    net.core('a').proposeConfChange(add('d'))
    expect(() => net.core('a').proposeConfChange(add('e'))).toThrow(ProposalDroppedError)
    net.stabilize()
    hold()
    net.tick(2)
    expect([...net.core('a').status().confState.voters].sort()).toEqual(['a', 'b', 'c', 'd'])
    net.addMember('e')
    net.core('a').proposeConfChange(add('e'))
    net.stabilize()
    expect([...net.core('a').status().confState.voters].sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
  })
})
