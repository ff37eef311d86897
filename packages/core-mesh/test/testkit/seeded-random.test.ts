import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '../../src/testkit/seeded-random.js'

const draws = (random: SeededRandom, n: number): number[] => Array.from({ length: n }, () => random.nextUint32())

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare (counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0)
  const expected = total / counts.length
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
}

// 99.9th percentile of the chi-square distribution with 9 degrees of freedom (10 buckets).
const CHI_SQUARE_9_DF_P999 = 27.88

describe('SeededRandom', () => {
  it('produces the reference splitmix32 + xoshiro128** stream, so that seeds replay across versions', () => {
    // Printed by the C reference implementations (prng.di.unimi.it), seeded by splitmix32.
    expect(draws(new SeededRandom(0), 6)).toEqual([1789933344, 44971166, 2521387044, 3848737593, 1138324114, 749234105])
    expect(draws(new SeededRandom(1), 6)).toEqual([393288148, 2174103013, 3814759091, 2092745082, 1865176206, 2179171167])
    expect(draws(new SeededRandom(42), 6)).toEqual([660444221, 3652823732, 77672526, 910233633, 2297337756, 3786072677])
    expect(draws(new SeededRandom(2 ** 32 - 1), 6)).toEqual([4104197751, 1825856343, 1152209388, 2427537429, 3685145430, 609215610])
  })

  it('gives the same stream for the same seed', () => {
    const a = new SeededRandom(7)
    const b = new SeededRandom(7)
    const mixed = (r: SeededRandom): unknown[] => [r.next(), r.int(10), r.range(-5, 5), r.chance(0.5), r.pick(['x', 'y', 'z']), r.shuffle([1, 2, 3, 4, 5]), r.sample([1, 2, 3, 4, 5], 2)]
    for (let i = 0; i < 100; i++) expect(mixed(a)).toEqual(mixed(b))
    expect(a.seed).toBe(7)
  })

  it('gives different streams for different seeds, even neighbouring ones', () => {
    const streams = new Set<string>()
    for (let seed = 0; seed < 1000; seed++) streams.add(draws(new SeededRandom(seed), 2).join(','))
    expect(streams.size).toBe(1000)
  })

  it('refuses a seed that is not a 32-bit unsigned integer', () => {
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) expect(() => new SeededRandom(seed)).toThrow(RangeError)
  })

  it('next() stays in [0, 1) and is roughly uniform over 10 000 draws', () => {
    const random = new SeededRandom(2024)
    const buckets = new Array<number>(10).fill(0)
    let outside = 0
    for (let i = 0; i < 10_000; i++) {
      const x = random.next()
      if (!(x >= 0 && x < 1)) outside++
      buckets[Math.floor(x * 10)]++
    }
    expect(outside).toBe(0)
    expect(chiSquare(buckets)).toBeLessThan(CHI_SQUARE_9_DF_P999)
  })

  it('the uniformity check can fail: it rejects a skewed generator', () => {
    const buckets = new Array<number>(10).fill(0)
    const random = new SeededRandom(2024)
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(random.next() ** 1.1 * 10)]++
    expect(chiSquare(buckets)).toBeGreaterThan(CHI_SQUARE_9_DF_P999)
  })

  it('int(n) covers [0, n) roughly uniformly, for several seeds', () => {
    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed)
      const buckets = new Array<number>(10).fill(0)
      for (let i = 0; i < 10_000; i++) buckets[random.int(10)]++
      expect(chiSquare(buckets)).toBeLessThan(CHI_SQUARE_9_DF_P999)
    }
  })

  it('int(n) is unbiased even when n does not divide 2^32', () => {
    // With a plain modulo, n = 3 × 2^30 would give 0..2^30 − 1 twice the weight of the rest.
    const random = new SeededRandom(5)
    const n = 3 * 2 ** 30
    let low = 0
    for (let i = 0; i < 10_000; i++) if (random.int(n) < 2 ** 30) low++
    expect(low / 10_000).toBeGreaterThan(0.31)
    expect(low / 10_000).toBeLessThan(0.356)
  })

  it('int, range, chance, pick and sample check their arguments', () => {
    const random = new SeededRandom(1)
    expect(() => random.int(0)).toThrow(RangeError)
    expect(() => random.int(2.5)).toThrow(RangeError)
    expect(() => random.int(2 ** 32 + 1)).toThrow(RangeError)
    expect(random.int(1)).toBe(0)
    expect(() => random.range(2, 1)).toThrow(RangeError)
    expect(() => random.chance(1.5)).toThrow(RangeError)
    expect(() => random.chance(NaN)).toThrow(RangeError)
    expect(() => random.pick([])).toThrow(RangeError)
    expect(() => random.sample([1, 2], 3)).toThrow(RangeError)
  })

  it('range(min, max) stays in [min, max) and spreads over it', () => {
    const random = new SeededRandom(9)
    let lowest = Infinity
    let highest = -Infinity
    for (let i = 0; i < 10_000; i++) {
      const x = random.range(-3, 5)
      lowest = Math.min(lowest, x)
      highest = Math.max(highest, x)
    }
    expect(lowest).toBeGreaterThanOrEqual(-3)
    expect(lowest).toBeLessThan(-2.99)
    expect(highest).toBeLessThan(5)
    expect(highest).toBeGreaterThan(4.99)
    expect(random.range(4, 4)).toBe(4)
  })

  it('chance(p) comes true about p of the time, never for 0 and always for 1', () => {
    const random = new SeededRandom(11)
    let hits = 0
    for (let i = 0; i < 10_000; i++) if (random.chance(0.3)) hits++
    expect(Math.abs(hits / 10_000 - 0.3)).toBeLessThan(0.02)
    const never = Array.from({ length: 1000 }, () => random.chance(0))
    const always = Array.from({ length: 1000 }, () => random.chance(1))
    expect(never.includes(true)).toBe(false)
    expect(always.includes(false)).toBe(false)
  })

  it('pick returns each element about equally often', () => {
    const random = new SeededRandom(13)
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']
    const counts = new Map<string, number>()
    for (let i = 0; i < 10_000; i++) {
      const item = random.pick(items)
      counts.set(item, (counts.get(item) ?? 0) + 1)
    }
    expect(counts.size).toBe(10)
    expect(chiSquare([...counts.values()])).toBeLessThan(CHI_SQUARE_9_DF_P999)
  })

  it('shuffle returns a new array holding a permutation, leaving the input alone', () => {
    const random = new SeededRandom(17)
    const input = Array.from({ length: 50 }, (_, i) => i)
    const frozen = Object.freeze([...input])
    const shuffled = random.shuffle(frozen)
    expect(shuffled).not.toBe(frozen)
    expect(frozen).toEqual(input)
    expect([...shuffled].sort((a, b) => a - b)).toEqual(input)
    expect(shuffled).not.toEqual(input)
    expect(random.shuffle([])).toEqual([])
  })

  it('shuffle puts each element in each position about equally often', () => {
    const random = new SeededRandom(19)
    // positions[element][index]: how often the element landed at that index.
    const positions = Array.from({ length: 4 }, () => new Array<number>(4).fill(0))
    for (let i = 0; i < 8000; i++) random.shuffle([0, 1, 2, 3]).forEach((element, index) => { positions[element][index]++ })
    for (const row of positions) for (const count of row) expect(Math.abs(count - 2000)).toBeLessThan(200)
  })

  it('sample(array, k) returns k distinct elements, each chosen about equally often', () => {
    const random = new SeededRandom(23)
    const items = Array.from({ length: 10 }, (_, i) => i)
    const counts = new Array<number>(10).fill(0)
    let malformed = 0
    for (let i = 0; i < 5000; i++) {
      const picked = random.sample(items, 3)
      if (picked.length !== 3 || new Set(picked).size !== 3) malformed++
      for (const item of picked) counts[item]++
    }
    expect(malformed).toBe(0)
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_9_DF_P999)
    expect(random.sample(items, 0)).toEqual([])
    expect([...random.sample(items, 10)].sort((a, b) => a - b)).toEqual(items)
  })

  it('fork(label) is deterministic, draws nothing from the parent and ignores how much it drew', () => {
    const parent = new SeededRandom(31)
    const early = parent.fork('net')
    const before = draws(new SeededRandom(31), 5)
    draws(parent, 3)
    const late = parent.fork('net')
    expect(draws(early, 10)).toEqual(draws(late, 10))
    // The parent went on as if it had never forked.
    expect(draws(new SeededRandom(31), 5)).toEqual(before)
    expect(draws(new SeededRandom(31, ['net']), 10)).toEqual(draws(new SeededRandom(31).fork('net'), 10))
    expect(late.seed).toBe(31)
    expect(parent.fork('a').fork('b').labels).toEqual(['a', 'b'])
  })

  it('fork gives streams that differ by label, by seed and from the parent', () => {
    const root = new SeededRandom(37)
    const streams = [
      draws(new SeededRandom(37), 4),
      draws(root.fork('a'), 4),
      draws(root.fork('b'), 4),
      draws(root.fork('ab'), 4),
      draws(root.fork('a').fork('b'), 4),
      draws(root.fork(''), 4),
      draws(new SeededRandom(38).fork('a'), 4)
    ].map(s => s.join(','))
    expect(new Set(streams).size).toBe(streams.length)
  })

  it('forks of one parent do not collide, even many of them', () => {
    const root = new SeededRandom(41)
    const starts = new Set<string>()
    for (let i = 0; i < 10_000; i++) starts.add(draws(root.fork(`node-${i}`), 2).join(','))
    expect(starts.size).toBe(10_000)
  })

  it('forked streams are uncorrelated with each other', () => {
    const root = new SeededRandom(43)
    const a = root.fork('node-1')
    const b = root.fork('node-2')
    const n = 10_000
    let sumA = 0
    let sumB = 0
    let sumAB = 0
    let sumAA = 0
    let sumBB = 0
    for (let i = 0; i < n; i++) {
      const x = a.next()
      const y = b.next()
      sumA += x
      sumB += y
      sumAB += x * y
      sumAA += x * x
      sumBB += y * y
    }
    const covariance = sumAB / n - (sumA / n) * (sumB / n)
    const correlation = covariance / Math.sqrt((sumAA / n - (sumA / n) ** 2) * (sumBB / n - (sumB / n) ** 2))
    // The standard error of a sample correlation of independent streams is 1/√n = 0.01.
    expect(Math.abs(correlation)).toBeLessThan(0.04)
  })
})
