// One fault kind at a time, a few seeds each, asserting that the fault really happened (so that a
// passing run is not vacuous) as well as every invariant. More seeds: MESHWORK_SEEDS=<n>; one seed:
// MESHWORK_SEED=<n>. Run from packages/consensus:
//   PATH=/work/main/node_modules/.bin:$PATH NODE_OPTIONS=--experimental-vm-modules npx jest test/sim/raft-faults.test.ts
import { describe, expect, it } from '@jest/globals'
import { runSeeded, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import type { FaultKind } from './support/fault-injector.js'
import { assertRaftScenario, type ScenarioOptions, type ScenarioResult } from './support/raft-scenario.js'

/** Run `seeds` clean scenarios with only `faults`; return their results for the caller's checks. */
async function runClean (faults: readonly FaultKind[], seeds = 3, options: ScenarioOptions = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = []
  await runSeeded(seedsFromEnv(seeds), seed => {
    const result = assertRaftScenario(seed, { faults, ...options })
    expect(result.operations.completed).toBeGreaterThan(50)
    results.push(result)
  })
  return results
}

const sum = (results: readonly ScenarioResult[], pick: (r: ScenarioResult) => number): number => results.reduce((total, r) => total + pick(r), 0)

describe('Raft KV, one fault kind at a time (simulated)', () => {
  it('symmetric partitions: links are cut, and the group goes on', async () => {
    const results = await runClean(['partition'])
    for (const r of results) {
      expect(r.faultCounts.partition).toBeGreaterThan(0)
      expect(r.network.cut).toBeGreaterThan(0)
    }
    // A partition that leaves the leader in a minority forces an election somewhere.
    expect(results.some(r => r.leaderTerms > 1)).toBe(true)
  })

  it('one-way partitions: only one direction is cut', async () => {
    for (const r of await runClean(['one-way'])) {
      expect(r.faultCounts['one-way']).toBeGreaterThan(0)
      expect(r.network.cut).toBeGreaterThan(0)
    }
  })

  it('leader isolation: the isolated leader is replaced', async () => {
    for (const r of await runClean(['leader-isolation'])) {
      expect(r.faultCounts['leader-isolation']).toBeGreaterThan(0)
      expect(r.leaderTerms).toBeGreaterThan(1)
    }
  })

  it('message loss: messages are lost and clients see timeouts', async () => {
    const results = await runClean(['loss'])
    for (const r of results) expect(r.network.lost).toBeGreaterThan(0)
    expect(sum(results, r => r.operations.unknown)).toBeGreaterThan(0)
  })

  it('duplication: messages arrive twice', async () => {
    for (const r of await runClean(['duplicate'])) expect(r.network.duplicated).toBeGreaterThan(0)
  })

  it('reordering: messages overtake earlier ones on the same link', async () => {
    for (const r of await runClean(['reorder'])) {
      expect(r.faultCounts.reorder).toBeGreaterThan(0)
      expect(r.network.reordered).toBeGreaterThan(0)
    }
  })

  it('crash and restart: unsynced writes are lost, members restart from disk, leaders change, snapshots are installed', async () => {
    const results = await runClean(['crash'], 4)
    for (const r of results) {
      expect(r.crashLosses.crashes).toBeGreaterThan(0)
      expect(r.log.some(line => line.includes('restart '))).toBe(true)
    }
    // Crashes in the middle of an fsync lost entries that had been written but were not durable.
    expect(sum(results, r => r.midSyncCrashes)).toBeGreaterThan(0)
    expect(sum(results, r => r.crashLosses.entries)).toBeGreaterThan(0)
    expect(results.some(r => r.leaderTerms > 1)).toBe(true)
    expect(sum(results, r => r.counters.snapshotsInstalled)).toBeGreaterThan(0)
  })

  it('pauses: a paused leader is replaced, and resumes as a follower', async () => {
    const results = await runClean(['pause'])
    for (const r of results) expect(r.faultCounts.pause).toBeGreaterThan(0)
    expect(results.some(r => r.leaderTerms > 1)).toBe(true)
  })

  it('pauses and isolation with lease reads', async () => {
    const results = await runClean(['pause', 'leader-isolation'], 3, { readOnly: 'lease' })
    for (const r of results) {
      expect(r.description).toContain('reads lease')
      expect(r.leaderTerms).toBeGreaterThan(1)
    }
  })

  it('leadership transfer: the leader hands over to another voter', async () => {
    for (const r of await runClean(['transfer'])) {
      expect(r.faultCounts.transfer).toBeGreaterThan(0)
      expect(r.leaderTerms).toBeGreaterThan(1)
    }
  })

  it('membership changes: learners added and promoted, voters removed, joint configurations, snapshots to new members', async () => {
    const results = await runClean(['membership'])
    for (const r of results) {
      expect(r.counters.confChangesApplied).toBeGreaterThan(0)
      expect(r.counters.snapshotsInstalled).toBeGreaterThan(0)
    }
    expect(sum(results, r => r.counters.learnersPromoted)).toBeGreaterThan(0)
    expect(sum(results, r => r.counters.votersRemoved)).toBeGreaterThan(0)
    expect(sum(results, r => r.counters.jointConfigurations)).toBeGreaterThan(0)
  })

  it('membership changes during partitions, crashes and pauses', async () => {
    const results = await runClean(['membership', 'partition', 'crash', 'pause'], 4)
    for (const r of results) {
      expect(r.counters.confChangesApplied).toBeGreaterThan(0)
      expect(r.crashLosses.crashes + r.faultCounts.partition + r.faultCounts.pause).toBeGreaterThan(0)
    }
  })
})
