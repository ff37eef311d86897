import { describe, expect, it } from '@jest/globals'
import type { AppendMessage, Message } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

/**
 * Raft paper, Figure 8: a leader cannot conclude that an entry of an earlier term is committed
 * once it is on a majority; only entries of its own term are committed by counting replicas.
 *
 * The five members s1..s5 go through the figure's steps (terms differ from the figure because
 * this Raft also appends a no-op when a leader is elected, which is what makes (e) happen):
 *   (a) s1 leads and gets entry 2 (its term) onto s2 only;
 *   (b) s1 crashes; s5 is elected by s3, s4, s5 and appends entry 2 of its term, on itself only;
 *   (c) s5 crashes; s1 is elected again and copies its old entry 2 onto s3: entry 2 is now on a
 *       majority (s1, s2, s3) — and must NOT be committed, because its term is not s1's;
 *   (d) s1 crashes; s5 is elected again (its last term is higher) and overwrites entry 2
 *       everywhere. Had s1 committed entry 2 in (c), a committed entry would now be lost.
 *   (e) alternatively, in (c) s1 gets an entry of its own term onto a majority: then entry 2 is
 *       committed with it, and s5 can never be elected.
 */
const ids = ['s1', 's2', 's3', 's4', 's5']

function appendCarriesTerm (message: Message, term: number): boolean {
  return message.type === 'append' && (message as AppendMessage).entries.some(entry => entry.term === term)
}

function setUpToStepC (): RaftNetwork {
  const net = new RaftNetwork({ voters: ids, options: { preVote: false, checkQuorum: false, maxMessageBytes: 1 } })
  net.campaign('s1')
  expect(net.core('s1').status()).toMatchObject({ role: 'leader', term: 1, commit: 1 })

  // (a) entry 2 of term 1 reaches s2 only
  for (const id of ['s3', 's4', 's5']) net.cut('s1', id)
  net.propose('s1', 'from-s1-term-1')
  expect(net.core('s2').status().lastIndex).toBe(2)
  expect(net.core('s1').status().commit).toBe(1)

  // (b) s1 crashes; s5 wins with s3, s4; its no-op at index 2 stays on s5
  net.recover()
  net.isolate('s1')
  const stopS5Appends = net.drop(message => message.from === 's5' && message.type === 'append')
  net.campaign('s5')
  expect(net.core('s5').status()).toMatchObject({ role: 'leader', term: 2, lastIndex: 2 })
  expect(net.member('s5').storage.term(2)).toBe(2)
  stopS5Appends()

  // (c) s5 crashes; s1 comes back and is elected (term 3 after a failed try at term 2)
  net.recover()
  net.isolate('s5')
  net.restart('s1')
  // s4 hears nothing of s1's appends; s2 and s3 get entry 2 but no entry of term 3: the link
  // strips them from appends that would be accepted (the probe that s3 rejects, for lack of
  // entry 2, passes whole: it leaves nothing behind)
  net.drop(message => message.from === 's1' && message.to === 's4' && message.type === 'append')
  net.rewrite(message => {
    if (message.from !== 's1' || !appendCarriesTerm(message, 3) || net.member(message.to).storage.lastIndex() < 2) return message
    const append = message as AppendMessage
    return { ...append, entries: append.entries.filter(entry => entry.term !== 3) }
  })
  net.campaign('s1')
  if (net.core('s1').status().role !== 'leader') net.campaign('s1')
  expect(net.core('s1').status()).toMatchObject({ role: 'leader', term: 3 })
  return net
}

describe('Figure 8: a leader commits only entries of its own term by counting replicas', () => {
  it('does not commit an earlier-term entry that is on a majority, and it is safely overwritten later', () => {
    const net = setUpToStepC()
    net.tick(5, ['s1'])
    // entry 2 (term 1) is on s1, s2, s3: a majority of five ...
    for (const id of ['s1', 's2', 's3']) expect(net.member(id).storage.term(2)).toBe(1)
    expect(net.core('s1').status().progress?.s3.match).toBe(2)
    expect(net.core('s1').status().progress?.s2.match).toBe(2)
    // ... but it is not of term 3, so it is not committed
    for (const id of ids) expect(net.core(id).status().commit).toBe(1)

    // (d) s1 crashes; s5 (last term 2) is elected and overwrites entry 2 everywhere
    net.recover()
    net.isolate('s1')
    net.restart('s5')
    net.campaign('s5')
    if (net.core('s5').status().role !== 'leader') net.campaign('s5')
    expect(net.core('s5').status().role).toBe('leader')
    for (const id of ['s2', 's3', 's4', 's5']) {
      expect(net.member(id).storage.term(2)).toBe(2)
      expect(net.core(id).status().commit).toBe(net.core('s5').status().lastIndex)
    }
    // nobody ever applied entry 2 of term 1: no committed entry was overwritten
    expect(net.appliedAt.get(2)?.term).toBe(2)
    for (const id of ids) expect(net.member(id).applied).not.toContain('from-s1-term-1')
    expect(net.errors()).toEqual([])
  })

  it('commits the earlier-term entry together with one of the current term (e), and then s5 cannot win', () => {
    const net = setUpToStepC()
    expect(net.core('s1').status().commit).toBe(1)
    // (e) the term-3 no-op now reaches s2 and s3: a majority with s1
    net.recover()
    net.isolate('s5')
    net.tick(3, ['s1'])
    expect(net.core('s1').status().commit).toBe(3)
    expect(net.member('s1').applied).toEqual(['from-s1-term-1'])
    // s5 (last entry (2, term 2)) is behind s1, s2, s3 (last entry (3, term 3)) and cannot win
    net.recover()
    net.isolate('s1')
    net.restart('s5')
    for (let attempt = 0; attempt < 3; attempt++) net.campaign('s5')
    expect(net.core('s5').status().role).not.toBe('leader')
    for (const id of ['s2', 's3']) expect(net.member(id).storage.term(2)).toBe(1)
    expect(net.errors()).toEqual([])
  })
})
