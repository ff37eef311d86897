import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededScenarioError, SeededScenariosError, seedsFromEnv } from '../../src/testkit/simulation.js'

async function failureOf (run: Promise<void>): Promise<SeededScenarioError> {
  try {
    await run
  } catch (err) {
    if (err instanceof SeededScenarioError) return err
    throw err
  }
  throw new Error('expected the run to fail')
}

describe('runSeeded', () => {
  it('runs the scenario once per listed seed, in order', async () => {
    const seen: number[] = []
    await runSeeded([5, 3, 9], seed => { seen.push(seed) })
    expect(seen).toEqual([5, 3, 9])
  })

  it('runs count consecutive seeds from `from`', async () => {
    const seen: number[] = []
    await runSeeded({ from: 10, count: 4 }, seed => { seen.push(seed) })
    expect(seen).toEqual([10, 11, 12, 13])
    await runSeeded({ from: 1, count: 0 }, () => { throw new Error('no seed should run') })
  })

  it('names the failing seed at the start of the message, keeps the cause and stops there', async () => {
    const seen: number[] = []
    const cause = new Error('invariant broken: two leaders')
    const error = await failureOf(runSeeded({ from: 1, count: 10 }, seed => {
      seen.push(seed)
      if (seed === 4) throw cause
    }))
    expect(error.message.startsWith('seed 4: invariant broken: two leaders')).toBe(true)
    expect(error.message).toContain('MESHWORK_SEED=4')
    expect(error.name).toBe('SeededScenarioError')
    expect(error.seed).toBe(4)
    expect(error.cause).toBe(cause)
    expect(seen).toEqual([1, 2, 3, 4])
  })

  it('with keepGoing, runs every seed and reports all the failing ones', async () => {
    const seen: number[] = []
    const error = await runSeeded({ from: 1, count: 6 }, seed => {
      seen.push(seed)
      if (seed % 3 === 0) throw new Error(`broken at ${seed}`)
    }, { keepGoing: true }).then(() => undefined, (err: unknown) => err as SeededScenariosError)
    expect(seen).toEqual([1, 2, 3, 4, 5, 6])
    expect(error?.name).toBe('SeededScenariosError')
    expect(error?.failures.map(f => f.seed)).toEqual([3, 6])
    expect(error?.message.startsWith('2 failing seeds: 3, 6\nfirst, seed 3: broken at 3')).toBe(true)
    // a single failure keeps its own error
    const one = await runSeeded([1, 2], seed => { if (seed === 2) throw new Error('x') }, { keepGoing: true }).then(() => undefined, (err: Error) => err)
    expect(one?.name).toBe('SeededScenarioError')
  })

  it('waits for async scenarios and reports their rejections', async () => {
    const seen: number[] = []
    const error = await failureOf(runSeeded([1, 2, 3], async seed => {
      await Promise.resolve()
      seen.push(seed)
      if (seed === 2) throw new Error('late failure')
    }))
    expect(error.message.startsWith('seed 2: late failure')).toBe(true)
    expect(seen).toEqual([1, 2])
  })

  it('reports a thrown non-error value', async () => {
    const error = await failureOf(runSeeded([7], () => {
      // A scenario may throw anything; the seed must still be named.
      throw 'plain string'
    }))
    expect(error.message.startsWith('seed 7: plain string')).toBe(true)
  })

  it('keeps the stack frames of the original failure', async () => {
    const error = await failureOf(runSeeded([1], function failingScenario () { throw new Error('here') }))
    expect(error.stack?.split('\n')[0]).toBe('SeededScenarioError: seed 1: here')
    expect(error.stack).toContain('failingScenario')
  })

  it('refuses a malformed seed range', async () => {
    await expect(runSeeded({ from: 1, count: -1 }, () => {})).rejects.toThrow(RangeError)
    await expect(runSeeded({ from: 1.5, count: 2 }, () => {})).rejects.toThrow(RangeError)
  })
})

describe('seedsFromEnv', () => {
  it('defaults to seeds 1..defaultCount', () => {
    expect(seedsFromEnv(25, {})).toEqual({ from: 1, count: 25 })
    expect(seedsFromEnv(25, { MESHWORK_SEEDS: '', MESHWORK_SEED: '' })).toEqual({ from: 1, count: 25 })
  })

  it('reads a count from MESHWORK_SEEDS', () => {
    expect(seedsFromEnv(25, { MESHWORK_SEEDS: '500' })).toEqual({ from: 1, count: 500 })
  })

  it('replays the one seed in MESHWORK_SEED, which wins over a count', () => {
    expect(seedsFromEnv(25, { MESHWORK_SEED: '1234', MESHWORK_SEEDS: '500' })).toEqual([1234])
    expect(seedsFromEnv(25, { MESHWORK_SEED: '0' })).toEqual([0])
  })

  it('refuses values that are not whole numbers, naming the variable', () => {
    expect(() => seedsFromEnv(25, { MESHWORK_SEED: 'abc' })).toThrow(/MESHWORK_SEED must be/)
    expect(() => seedsFromEnv(25, { MESHWORK_SEED: '-3' })).toThrow(RangeError)
    expect(() => seedsFromEnv(25, { MESHWORK_SEED: '4294967296' })).toThrow(RangeError)
    expect(() => seedsFromEnv(25, { MESHWORK_SEEDS: '0' })).toThrow(/MESHWORK_SEEDS must be/)
    expect(() => seedsFromEnv(25, { MESHWORK_SEEDS: '1e3' })).toThrow(RangeError)
  })

  it('reads process.env when no environment is given', () => {
    const saved = { seed: process.env.MESHWORK_SEED, seeds: process.env.MESHWORK_SEEDS }
    try {
      delete process.env.MESHWORK_SEED
      process.env.MESHWORK_SEEDS = '3'
      expect(seedsFromEnv(25)).toEqual({ from: 1, count: 3 })
    } finally {
      for (const [name, value] of [['MESHWORK_SEED', saved.seed], ['MESHWORK_SEEDS', saved.seeds]] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})
