import { describe, expect, it } from '@jest/globals'
import { InvalidConfChangeError } from '../../../src/errors.js'
import { decodeConfChange, encodeConfChange } from '../../../src/raft/core/conf-change-codec.js'
import { applyConfChangeTo, classifyConfChange, leaveJoint } from '../../../src/raft/core/configuration.js'
import type { ConfChange, ConfState } from '../../../src/raft/core/types.js'

function conf (voters: string[], extra: Partial<ConfState> = {}): ConfState {
  return { voters, learners: [], outgoing: [], learnersNext: [], autoLeave: false, ...extra }
}

function sorted (state: ConfState): ConfState {
  return {
    voters: [...state.voters].sort(),
    learners: [...state.learners].sort(),
    outgoing: [...state.outgoing].sort(),
    learnersNext: [...state.learnersNext].sort(),
    autoLeave: state.autoLeave
  }
}

describe('membership changes', () => {
  it('classifies changes: simple, joint (auto or explicit leave), leave', () => {
    expect(classifyConfChange({ changes: [{ type: 'addVoter', node: 'd' }], transition: 'auto' })).toEqual({ kind: 'simple' })
    expect(classifyConfChange({ changes: [{ type: 'addVoter', node: 'd' }, { type: 'removeNode', node: 'a' }], transition: 'auto' }))
      .toEqual({ kind: 'enterJoint', autoLeave: true })
    expect(classifyConfChange({ changes: [{ type: 'addVoter', node: 'd' }], transition: 'joint-explicit' }))
      .toEqual({ kind: 'enterJoint', autoLeave: false })
    expect(classifyConfChange({ changes: [{ type: 'addVoter', node: 'd' }], transition: 'joint-implicit' }))
      .toEqual({ kind: 'enterJoint', autoLeave: true })
    expect(classifyConfChange({ changes: [], transition: 'auto' })).toEqual({ kind: 'leaveJoint' })
  })

  it('applies simple changes: add a voter, add a learner, promote it, remove a node', () => {
    let state = conf(['a', 'b', 'c'])
    state = applyConfChangeTo(state, { changes: [{ type: 'addVoter', node: 'd' }], transition: 'auto' })
    expect(sorted(state)).toEqual(conf(['a', 'b', 'c', 'd']))
    state = applyConfChangeTo(state, { changes: [{ type: 'addLearner', node: 'e' }], transition: 'auto' })
    expect(sorted(state)).toEqual(conf(['a', 'b', 'c', 'd'], { learners: ['e'] }))
    state = applyConfChangeTo(state, { changes: [{ type: 'addVoter', node: 'e' }], transition: 'auto' })
    expect(sorted(state)).toEqual(conf(['a', 'b', 'c', 'd', 'e']))
    state = applyConfChangeTo(state, { changes: [{ type: 'removeNode', node: 'a' }], transition: 'auto' })
    expect(sorted(state)).toEqual(conf(['b', 'c', 'd', 'e']))
    // demoting a voter directly is a simple change too (one voter changes)
    state = applyConfChangeTo(state, { changes: [{ type: 'addLearner', node: 'b' }], transition: 'auto' })
    expect(sorted(state)).toEqual(conf(['c', 'd', 'e'], { learners: ['b'] }))
  })

  it('refuses a simple change that alters two voters, and one that removes every voter', () => {
    const state = conf(['a'])
    expect(() => applyConfChangeTo(state, { changes: [{ type: 'removeNode', node: 'a' }], transition: 'auto' })).toThrow(InvalidConfChangeError)
    expect(() => applyConfChangeTo(conf(['a', 'b']), {
      changes: [{ type: 'removeNode', node: 'a' }, { type: 'removeNode', node: 'b' }],
      transition: 'joint-explicit'
    })).toThrow(InvalidConfChangeError)
    expect(() => applyConfChangeTo(state, { changes: [{ type: 'addVoter', node: '' }], transition: 'auto' })).toThrow(InvalidConfChangeError)
  })

  it('enters a joint configuration and leaves it, demoting through learnersNext', () => {
    const start = conf(['a', 'b', 'c'])
    const joint = applyConfChangeTo(start, {
      changes: [{ type: 'addVoter', node: 'd' }, { type: 'addLearner', node: 'a' }],
      transition: 'auto'
    })
    expect(sorted(joint)).toEqual(conf(['b', 'c', 'd'], { outgoing: ['a', 'b', 'c'], learnersNext: ['a'], autoLeave: true }))
    expect(() => applyConfChangeTo(joint, { changes: [{ type: 'addVoter', node: 'e' }], transition: 'auto' })).toThrow(InvalidConfChangeError)
    const left = applyConfChangeTo(joint, { changes: [], transition: 'auto' })
    expect(sorted(left)).toEqual(conf(['b', 'c', 'd'], { learners: ['a'] }))
    expect(() => leaveJoint(left)).toThrow(InvalidConfChangeError)
  })

  it('replaces every voter through a joint configuration (leader removed included)', () => {
    const joint = applyConfChangeTo(conf(['a', 'b', 'c']), {
      changes: [
        ...['a', 'b', 'c'].map(node => ({ type: 'removeNode' as const, node })),
        ...['d', 'e', 'f'].map(node => ({ type: 'addVoter' as const, node }))
      ],
      transition: 'joint-explicit'
    })
    expect(sorted(joint)).toEqual(conf(['d', 'e', 'f'], { outgoing: ['a', 'b', 'c'] }))
    expect(sorted(leaveJoint(joint))).toEqual(conf(['d', 'e', 'f']))
  })

  it('refuses malformed configurations', () => {
    expect(() => applyConfChangeTo(conf(['a'], { learners: ['a'] }), { changes: [{ type: 'addVoter', node: 'b' }], transition: 'auto' }))
      .toThrow(InvalidConfChangeError)
  })
})

describe('conf change codec', () => {
  it('round-trips changes with and without context', () => {
    const changes: ConfChange[] = [
      { changes: [], transition: 'auto' },
      { changes: [{ type: 'addVoter', node: 'peer-ü-1' }, { type: 'removeNode', node: 'x' }], transition: 'joint-explicit', context: new Uint8Array([1, 2, 3]) },
      { changes: [{ type: 'addLearner', node: 'l'.repeat(300) }], transition: 'joint-implicit', context: new Uint8Array() }
    ]
    for (const change of changes) expect(decodeConfChange(encodeConfChange(change))).toEqual(change)
  })

  it('refuses bytes that do not decode', () => {
    const good = encodeConfChange({ changes: [{ type: 'addVoter', node: 'abc' }], transition: 'auto' })
    expect(() => decodeConfChange(new Uint8Array())).toThrow(InvalidConfChangeError)
    expect(() => decodeConfChange(good.subarray(0, good.length - 1))).toThrow(InvalidConfChangeError)
    expect(() => decodeConfChange(new Uint8Array([...good, 0]))).toThrow(InvalidConfChangeError)
    expect(() => decodeConfChange(new Uint8Array([2, ...good.subarray(1)]))).toThrow(InvalidConfChangeError)
    const badType = good.slice()
    badType[4] = 9
    expect(() => decodeConfChange(badType)).toThrow(InvalidConfChangeError)
  })
})
