// The simulation must be able to fail: hosts with deliberate defects are caught within a few seeds.
import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededScenarioError } from '@meshwork/core-mesh/testkit'
import { assertRaftScenario, runRaftScenario, type ScenarioOptions } from './support/raft-scenario.js'

/** The first of `seeds` whose run has violations, with them; undefined when every run is clean. */
function firstFailure (seeds: number, options: ScenarioOptions): { seed: number, violations: string[] } | undefined {
  for (let seed = 1; seed <= seeds; seed++) {
    const result = runRaftScenario(seed, options)
    if (!result.ok) return { seed, violations: result.invariants.violations }
  }
  return undefined
}

describe('the Raft simulation catches broken hosts', () => {
  it('a host that answers reads from local state, without ReadIndex, gives a history that is not linearizable', () => {
    const failure = firstFailure(3, { defects: { localReads: true }, faults: ['partition'] })
    expect(failure).toBeDefined()
    expect(failure?.violations.join('\n')).toMatch(/not linearizable: key "k\d"/)
  })

  it('a host that acknowledges entries before they are durable loses acknowledged writes when members crash', () => {
    // Long fsyncs leave a wide window between the acknowledgement and durability.
    const options: ScenarioOptions = { defects: { sendBeforeDurable: true }, faults: ['crash'], settleMs: 5_000, cluster: { fsyncMs: { minMs: 20, maxMs: 80 } } }
    const failure = firstFailure(8, options)
    expect(failure).toBeDefined()
    expect(failure?.violations.join('\n')).toMatch(/acknowledged write|state machine safety|log matching|not linearizable/)
  })

  it('the same correct host passes those seeds', () => {
    for (let seed = 1; seed <= 3; seed++) expect(runRaftScenario(seed, { faults: ['partition'] }).ok).toBe(true)
    for (let seed = 1; seed <= 2; seed++) expect(runRaftScenario(seed, { faults: ['crash'], cluster: { fsyncMs: { minMs: 20, maxMs: 80 } } }).ok).toBe(true)
  })

  it('a failing seed is reported with its number, how to replay it, the violations and the fault schedule', async () => {
    const failing = runSeeded([2], seed => { assertRaftScenario(seed, { defects: { localReads: true }, faults: ['partition'] }) })
    await expect(failing).rejects.toThrow(SeededScenarioError)
    await failing.catch((err: Error) => {
      expect(err.message).toMatch(/^seed 2: raft simulation: \d+ violation/)
      expect(err.message).toContain('MESHWORK_SEED=2')
      expect(err.message).toMatch(/t=\d+ partition \[/)
      expect(err.message).toMatch(/client\s+call\s+return\s+operation/)
    })
  })
})
