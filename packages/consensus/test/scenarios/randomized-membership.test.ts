import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededRandom, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import type { ConfChange, ConfChangeSingle } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

const pool = ['a', 'b', 'c', 'd', 'e', 'f']

function randomChange (random: SeededRandom): ConfChange {
  const single = (): ConfChangeSingle => ({ type: random.pick(['addVoter', 'addLearner', 'removeNode'] as const), node: random.pick(pool) })
  if (random.chance(0.6)) return { changes: [single()], transition: 'auto' }
  const changes = [single(), single()]
  return { changes, transition: random.pick(['auto', 'joint-implicit', 'joint-explicit'] as const) }
}

/**
 * Random membership changes (simple and joint, learners, removals of the leader) under message
 * loss and partitions. The network checks state machine and election safety throughout; at the
 * end the members of the final configuration converge on one log under one leader. Removed
 * members may be refused (NonMemberMessageError) when they campaign; nothing else may be thrown.
 */
describe('randomized membership changes', () => {
  it('stays safe and converges (MESHWORK_SEEDS=<n> for more runs, MESHWORK_SEED=<n> to replay one)', async () => {
    await runSeeded(seedsFromEnv(25), seed => {
      const net = new RaftNetwork({ voters: ['a', 'b', 'c'], seed, bootstrapSnapshot: true, options: { snapshotChunkBytes: 64 } })
      for (const id of ['d', 'e', 'f']) net.addMember(id)
      const random = new SeededRandom(seed).fork('membership')
      let proposals = 0
      for (let step = 0; step < 400; step++) {
        if (step % 40 === 0) {
          net.recover()
          net.drop(() => random.chance(0.05))
          if (random.chance(0.3)) net.isolate(random.pick(pool))
        }
        const leader = net.leaders().find(id => net.core(id).status().role === 'leader')
        if (leader !== undefined && random.chance(0.05)) {
          const change = randomChange(random)
          try {
            net.core(leader).proposeConfChange(change.changes.length === 0 ? { changes: [], transition: 'auto' } : change)
          } catch { /* refused: pending, invalid, or no longer leader */ }
        }
        if (leader !== undefined && net.core(leader).status().confState.outgoing.length > 0 && random.chance(0.1)) {
          try { net.core(leader).proposeConfChange({ changes: [], transition: 'auto' }) } catch { /* refused */ }
        }
        if (random.chance(0.3)) {
          try { net.core(random.pick(pool)).propose(new TextEncoder().encode(`p${proposals++}`)) } catch { /* dropped */ }
        }
        if (random.chance(0.02)) net.member(random.pick(pool)).compact()
        net.tick(1)
      }
      net.recover()
      // finish any joint configuration, then let things settle
      net.tick(40)
      let leaders = net.leaders()
      if (leaders.length === 1 && net.core(leaders[0]).status().confState.outgoing.length > 0) {
        try { net.core(leaders[0]).proposeConfChange({ changes: [], transition: 'auto' }) } catch { /* auto-leave under way */ }
      }
      const settled = (): boolean => {
        const current = net.leaders()
        if (current.length !== 1) return false
        const conf = net.core(current[0]).status().confState
        return net.hasConverged([...conf.voters, ...conf.learners])
      }
      for (let i = 0; i < 300 && !settled(); i++) net.tick(1)
      leaders = net.leaders()
      expect({ seed, leaders: leaders.length }).toEqual({ seed, leaders: 1 })
      const { confState } = net.core(leaders[0]).status()
      const members = [...confState.voters, ...confState.learners]
      const reference = net.member(leaders[0]).applied
      for (const id of members) {
        expect({ seed, id, applied: net.member(id).applied }).toEqual({ seed, id, applied: reference })
        expect({ seed, id, conf: net.core(id).status().confState }).toEqual({ seed, id, conf: confState })
      }
      const unexpected = net.errors().filter(err => err.name !== 'NonMemberMessageError')
      expect({ seed, unexpected }).toEqual({ seed, unexpected: [] })
    })
  })
})
