import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededRandom, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { RaftNetwork } from '../unit/core/support/raft-network.js'
import type { MemberOptions } from '../unit/core/support/raft-network.js'

interface RunOptions {
  readonly seed: number
  readonly options: MemberOptions
  /** Chance per tick that a random member snapshots and compacts its log. */
  readonly compaction: number
  /** Chance per tick that a random member crashes and restarts from its storage. */
  readonly restarts: number
}

/**
 * A five-member group under random message loss and partitions that change every 25 ticks,
 * with proposals at random members, and optionally log compaction (hence snapshots) and crashes.
 * The network checks state machine safety on every applied entry and election safety on every
 * Ready; at the end the faults heal and every member must converge on one log.
 */
function runWithFaults ({ seed, options, compaction, restarts }: RunOptions): void {
  const ids = ['a', 'b', 'c', 'd', 'e']
  const net = new RaftNetwork({ voters: ids, seed, options: { maxMessageBytes: 200, snapshotChunkBytes: 64, ...options } })
  const random = new SeededRandom(seed).fork('faults')
  let proposals = 0
  for (let step = 0; step < 300; step++) {
    if (step % 25 === 0) {
      net.recover()
      net.drop(() => random.chance(0.1))
      if (random.chance(0.5)) net.isolate(random.pick(ids))
      if (random.chance(0.3)) net.cut(random.pick(ids), random.pick(ids))
    }
    if (random.chance(0.3)) {
      try {
        net.core(random.pick(ids)).propose(new TextEncoder().encode(`p${proposals++}`))
      } catch { /* dropped: no leader known */ }
    }
    if (random.chance(compaction)) net.member(random.pick(ids)).compact()
    if (random.chance(restarts)) net.restart(random.pick(ids))
    net.tick(1)
  }
  net.recover()
  // liveness: within a bounded time once the faults heal, one leader that everyone follows and has caught up with
  for (let i = 0; i < 300 && !net.hasConverged(); i++) net.tick(1)
  const leaders = net.leaders()
  expect({ seed, leaders: leaders.length }).toEqual({ seed, leaders: 1 })
  const reference = net.member(leaders[0]).applied
  expect(reference.length).toBeGreaterThan(10)
  for (const id of ids) expect({ seed, id, applied: net.member(id).applied }).toEqual({ seed, id, applied: reference })
  expect({ seed, errors: net.errors() }).toEqual({ seed, errors: [] })
}

describe('randomized faults', () => {
  // MESHWORK_SEEDS=<n> runs more seeds, MESHWORK_SEED=<n> replays one
  it('stays safe and converges with pre-vote and check-quorum', async () => {
    await runSeeded(seedsFromEnv(25), seed => runWithFaults({ seed, options: {}, compaction: 0, restarts: 0 }))
  })

  it('stays safe and converges without pre-vote and check-quorum', async () => {
    await runSeeded(seedsFromEnv(25), seed => runWithFaults({ seed, options: { preVote: false, checkQuorum: false }, compaction: 0, restarts: 0 }))
  })

  it('stays safe and converges with log compaction (snapshots in chunks) and crashes', async () => {
    await runSeeded(seedsFromEnv(25), seed => runWithFaults({ seed, options: {}, compaction: 0.05, restarts: 0.02 }))
  })
})
