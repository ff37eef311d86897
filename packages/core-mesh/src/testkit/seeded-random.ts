import type { RandomSource } from '../interfaces/clock.js'

type State = [number, number, number, number]

const GOLDEN_GAMMA = 0x9e3779b9
const TWO_POW_32 = 2 ** 32

/**
 * A seeded, reproducible {@link RandomSource} for simulations. Not for cryptography.
 *
 * The generator is xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018; https://prng.di.unimi.it/): 128 bits of state, period 2^128 − 1, 32-bit
 * outputs that pass BigCrush. Its state is filled from the 32-bit seed by splitmix32 (a Weyl
 * sequence through a 32-bit integer finalizer), so that seeds 1, 2, 3 give unrelated streams.
 *
 * The stream for a seed is part of the contract: the tests pin its first outputs, so that a
 * seed printed by a failing run replays the same run after an upgrade.
 *
 * `next`, `range` and `chance` use one 32-bit draw each; `int` (and what is built on it) uses
 * one draw, or more on the rare rejections that keep it unbiased.
 */
export class SeededRandom implements RandomSource {
  /** The seed this stream (or the root of its forks) was made from. */
  readonly seed: number
  /** The fork labels from the root stream to this one; empty for a root stream. */
  readonly labels: readonly string[]
  private readonly state: State

  /**
   * @param seed an integer in [0, 2^32)
   * @param labels fork labels: `new SeededRandom(7, ['net'])` is the same stream as
   *   `new SeededRandom(7).fork('net')`
   */
  constructor (seed: number, labels: readonly string[] = []) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
      throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`)
    }
    this.seed = seed
    this.labels = [...labels]
    let state = rootState(seed)
    for (const label of labels) state = forkState(state, label)
    // The all-zero state is the one state xoshiro never leaves; no seed is known to reach it.
    if (state.every(word => word === 0)) state[0] = 1
    this.state = state
  }

  /** A uniformly distributed integer in [0, 2^32); every other method is built on it. */
  nextUint32 (): number {
    const s = this.state
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** A float in [0, 1), in steps of 2^-32. */
  next (): number {
    return this.nextUint32() / TWO_POW_32
  }

  /** An integer in [0, maxExclusive), without modulo bias. `maxExclusive` is in [1, 2^32]. */
  int (maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`int needs an integer bound in [1, 2^32], got ${maxExclusive}`)
    }
    // Draws at or above the largest multiple of the bound would favour small results.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive)
    let draw = this.nextUint32()
    while (draw >= limit) draw = this.nextUint32()
    return draw % maxExclusive
  }

  /** A float in [min, max); `min` when the two are equal. */
  range (min: number, max: number): number {
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
      throw new RangeError(`range needs finite min <= max, got [${min}, ${max})`)
    }
    const value = min + this.next() * (max - min)
    // Rounding can reach `max` when |min| is much larger than max − min.
    return value < max ? value : min
  }

  /** True with probability `p`, which is in [0, 1]. */
  chance (p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`chance needs a probability in [0, 1], got ${p}`)
    return this.next() < p
  }

  /** One element, each with the same probability. The array must not be empty. */
  pick<T> (array: readonly T[]): T {
    if (array.length === 0) throw new RangeError('pick needs a non-empty array')
    return array[this.int(array.length)]
  }

  /** A new array with the elements in uniformly random order (Fisher–Yates). */
  shuffle<T> (array: readonly T[]): T[] {
    const result = [...array]
    for (let i = result.length - 1; i > 0; i--) {
      swap(result, i, this.int(i + 1))
    }
    return result
  }

  /** `k` elements at distinct positions, in random order: the start of a partial Fisher–Yates. */
  sample<T> (array: readonly T[], k: number): T[] {
    if (!Number.isInteger(k) || k < 0 || k > array.length) {
      throw new RangeError(`sample needs an integer k in [0, ${array.length}], got ${k}`)
    }
    const result = [...array]
    for (let i = 0; i < k; i++) {
      swap(result, i, i + this.int(result.length - i))
    }
    result.length = k
    return result
  }

  /**
   * An independent stream named by `label`. It depends only on this stream's seed and labels,
   * not on how much has been drawn: forking draws nothing, and the same label gives the same
   * stream. Give each node (and the network) its own fork, so that a change in what one of them
   * draws does not shift every other stream in the run.
   */
  fork (label: string): SeededRandom {
    return new SeededRandom(this.seed, [...this.labels, label])
  }
}

/** One splitmix32 step: advance a Weyl sequence by the golden gamma, then finalize. */
function mix32 (x: number): number {
  let z = (x + GOLDEN_GAMMA) | 0
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}

/** The first four splitmix32 outputs for `seed`. */
function rootState (seed: number): State {
  const state: State = [0, 0, 0, 0]
  let x = seed
  for (let i = 0; i < 4; i++) {
    state[i] = mix32(x)
    x = (x + GOLDEN_GAMMA) | 0
  }
  return state
}

/**
 * Hash `label` into each 32-bit word of the parent's initial state. The four words start apart,
 * so the child state is a 128-bit hash of (parent, label): even a million forks of one parent
 * collide only with negligible probability, which a 32-bit derived seed would not give.
 */
function forkState (parent: State, label: string): State {
  return parent.map(word => {
    let h = word
    for (let i = 0; i < label.length; i++) h = mix32(h ^ label.charCodeAt(i))
    return mix32(h ^ label.length)
  }) as State
}

function rotl (x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

function swap<T> (array: T[], i: number, j: number): void {
  const t = array[i]
  array[i] = array[j]
  array[j] = t
}
